import { hasRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export function GET() {
  if (!hasRuntime()) return Response.json({ ok: false }, { status: 503 });
  return Response.json({ ok: true });
}
