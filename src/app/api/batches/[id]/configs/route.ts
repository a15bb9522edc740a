import { saveConfigSchema } from "@/lib/contract/configs";
import { guarded } from "@/server/auth/guard";
import { listConfigVersions, saveConfig } from "@/server/batches/configs";
import { type IdParams, idOf } from "@/server/http/params";
import { readJson } from "@/server/http/respond";

export const dynamic = "force-dynamic";

export const GET = guarded({ on: "batch", need: "viewer" }, async (_request, context: IdParams) =>
  Response.json({ versions: await listConfigVersions(await idOf(context)) }),
);

export const POST = guarded({ on: "batch", need: "operator" }, async (request, context: IdParams, access) => {
  const { agent } = await readJson(request, saveConfigSchema);
  const saved = await saveConfig(await idOf(context), agent, access);
  return Response.json(saved, { status: saved.created ? 201 : 200 });
});
