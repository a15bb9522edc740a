import { guarded } from "@/server/auth/guard";
import { getBatch } from "@/server/batches/service";

export const dynamic = "force-dynamic";

export const GET = guarded(
  { on: "batch", need: "viewer" },
  async (_request, { params }: { params: Promise<{ id: string }> }) =>
    Response.json({ batch: await getBatch((await params).id) }),
);
