import { ApiError } from "@/lib/client/api";
import type { FleetdeckClient } from "@/lib/client/endpoints";
import { ACTIVE_EXECUTION_STATUSES, type Execution } from "@/lib/contract/resources";
import type { WorkerListResponse } from "@/lib/contract/workers";
import { formatRelative } from "@/lib/format";
import type { CliContext } from "../context";
import { EXIT, type ExitCode } from "../exit-codes";

/** The API has no "active executions" route: read the newest batches of each project, no more. */
const BATCHES_PER_PROJECT = 10;

/** Executions not yet ended among the newest batches of every project the caller may see. */
async function activeExecutions(client: FleetdeckClient): Promise<Execution[]> {
  const { projects } = await client.listProjects();
  const batches = await Promise.all(projects.map(async (p) => (await client.listBatches(p.id)).batches));
  const newest = batches.flatMap((list) => list.slice(0, BATCHES_PER_PROJECT)); // newest first
  const executions = await Promise.all(newest.map(async (b) => (await client.listExecutions(b.id)).executions));
  return executions.flat().filter((e) => ACTIVE_EXECUTION_STATUSES.includes(e.status));
}

/**
 * `fleetdeck status`: is the server up, which version, its database, the workers with their slots and jobs, and the
 * executions under way.
 */
export async function statusCommand(ctx: CliContext): Promise<ExitCode> {
  const health = await ctx.client.getHealth();
  let workers: WorkerListResponse | null = null;
  try {
    workers = await ctx.client.listWorkers();
  } catch (e) {
    // A server from before the worker registry has no such route: say so rather than fail the whole status.
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  const active = await activeExecutions(ctx.client);
  if (ctx.json) {
    ctx.out(JSON.stringify({ server: ctx.server, health, workers, activeExecutions: active }));
    return EXIT.ok;
  }
  ctx.out(`Server    ${ctx.server} · ok · version ${health.version}`);
  ctx.out(`Database  ${health.database.kind} · ${health.database.ok ? "reachable" : "unreachable"}`);
  if (!workers) ctx.out(`Workers   ${health.workers.live ?? "unknown"} live (this server does not list them)`);
  else {
    ctx.out(`Workers   ${workers.live} live of ${workers.workers.length} known`);
    for (const w of workers.workers) {
      const beat = w.status === "alive" ? `beat ${formatRelative(w.lastBeatAt)}` : w.status;
      ctx.out(`  ${w.id}  ${w.host} pid ${w.pid}  ${w.running}/${w.slots} slots busy  v${w.version}  ${beat}`);
    }
  }
  ctx.out(`Active    ${active.length} execution${active.length === 1 ? "" : "s"}`);
  for (const e of active) {
    const { completed, failed, total } = e.stats;
    ctx.out(
      `  ${e.id}  ${e.status}  ${completed + failed}/${total} done, ${failed} failed  concurrency ${e.concurrency}`,
    );
  }
  return EXIT.ok;
}
