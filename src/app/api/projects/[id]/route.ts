import { route } from "@/server/http/respond";
import { getProject } from "@/server/projects/projects";

export const dynamic = "force-dynamic";

export const GET = route(async (_request, { params }: { params: Promise<{ id: string }> }) =>
  Response.json({ project: await getProject((await params).id) }),
);
