import { getBatch } from "@/server/batches/service";
import { route } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const GET = route(async (_request, { params }: { params: Promise<{ id: string }> }) =>
  Response.json({ batch: await getBatch((await params).id) }),
);
