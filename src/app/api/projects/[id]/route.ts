import { guarded } from "@/server/auth/guard";
import { type IdParams, idOf } from "@/server/http/params";
import { deleteProject, getProject } from "@/server/projects/projects";

export const dynamic = "force-dynamic";

export const GET = guarded({ on: "project", need: "viewer" }, async (_request, context: IdParams, access) =>
  Response.json({ project: await getProject(await idOf(context), access.role) }),
);

export const DELETE = guarded({ on: "project", need: "admin" }, async (_request, context: IdParams, access) => {
  await deleteProject(await idOf(context), access);
  return new Response(null, { status: 204 });
});
