import { createProjectSchema } from "@/lib/contract/requests";
import { guarded } from "@/server/auth/guard";
import { readJson } from "@/server/http/respond";
import { createProject, listProjects } from "@/server/projects/projects";

export const dynamic = "force-dynamic";

export const GET = guarded({ signedIn: true }, async (_request, _context, access) =>
  Response.json({ projects: await listProjects(access.caller) }),
);

export const POST = guarded({ signedIn: true, unscoped: true }, async (request, _context, access) => {
  const { name } = await readJson(request, createProjectSchema);
  return Response.json({ project: await createProject(name, access.caller, access) }, { status: 201 });
});
