import type { WorkerInfo, WorkerListResponse } from "@/lib/contract/workers";
import type { DbOrTx } from "../db/client";
import { listWorkersWithSilence } from "../repos/workers";

/**
 * The registry as GET /api/workers tells it: truthful about silence, so a worker killed a moment ago reads "dead"
 * as soon as it has missed its beats for `deadAfterMs`, before any peer (there may be none left) marks its row.
 */
export async function describeWorkers(db: DbOrTx, deadAfterMs: number): Promise<WorkerListResponse> {
  const rows = await listWorkersWithSilence(db, deadAfterMs);
  const list = rows.map((row): WorkerInfo => {
    const present = row.status === "alive" || row.status === "stopping";
    const status = present && row.silent ? "dead" : row.status;
    return {
      id: row.id,
      host: row.host,
      pid: row.pid,
      slots: row.slots,
      // A worker that is gone runs nothing, whatever its last beat said (its jobs go back to the queue).
      running: status === "alive" || status === "stopping" ? row.runningCount : 0,
      version: row.version,
      status,
      startedAt: row.startedAt.toISOString(),
      lastBeatAt: row.lastBeatAt.toISOString(),
      stoppedAt: row.stoppedAt?.toISOString() ?? null,
    };
  });
  return { workers: list, live: list.filter((w) => w.status === "alive").length };
}
