import { ApiError } from "@/lib/client/api";
import type { WorkerListResponse } from "@/lib/contract/workers";
import { formatRelative } from "@/lib/format";
import type { CliContext } from "../context";
import { EXIT, type ExitCode } from "../exit-codes";

/** `fleetdeck status`: is the server up, which version, its database, and the workers with their slots and jobs. */
export async function statusCommand(ctx: CliContext): Promise<ExitCode> {
  const health = await ctx.client.getHealth();
  let workers: WorkerListResponse | null = null;
  try {
    workers = await ctx.client.listWorkers();
  } catch (e) {
    // A server from before the worker registry has no such route: say so rather than fail the whole status.
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  if (ctx.json) {
    ctx.out(JSON.stringify({ server: ctx.server, health, workers }));
    return EXIT.ok;
  }
  ctx.out(`Server    ${ctx.server} · ok · version ${health.version}`);
  ctx.out(`Database  ${health.database.kind} · ${health.database.ok ? "reachable" : "unreachable"}`);
  if (!workers) {
    ctx.out(`Workers   ${health.workers.live ?? "unknown"} live (this server does not list them)`);
    return EXIT.ok;
  }
  ctx.out(`Workers   ${workers.live} live of ${workers.workers.length} known`);
  for (const w of workers.workers) {
    const beat = w.status === "alive" ? `beat ${formatRelative(w.lastBeatAt)}` : w.status;
    ctx.out(`  ${w.id}  ${w.host} pid ${w.pid}  ${w.running}/${w.slots} slots busy  v${w.version}  ${beat}`);
  }
  return EXIT.ok;
}
