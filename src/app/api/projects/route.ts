import { createProjectSchema } from "@/lib/contract/requests";
import { readJson, route } from "@/server/http/respond";
import { createProject, listProjects } from "@/server/projects/projects";

export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json({ projects: await listProjects() }));

export const POST = route(async (request) => {
  const { name } = await readJson(request, createProjectSchema);
  return Response.json({ project: await createProject(name) }, { status: 201 });
});
