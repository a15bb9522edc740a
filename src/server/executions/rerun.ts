import type { CreateRerun, RerunSelect, RerunSelection } from "@/lib/contract/reruns";
import { type Execution, FINISHED_EXECUTION_STATUSES } from "@/lib/contract/resources";
import { type Doer, NOBODY, recordAudit } from "../auth/audit";
import { getBatchRow, parseAgentConfig } from "../batches/service";
import type { DbOrTx } from "../db/client";
import { noteBulkInsert } from "../db/statistics";
import { invalidState, validationFailed } from "../errors";
import { transactWithEvents, withActor } from "../events/transaction";
import { latestVersion, saveNextVersion } from "../repos/agent-configs";
import * as executionsRepo from "../repos/executions";
import { countSelectedRows, type RowSelection, unknownIds } from "../repos/rerun-selection";
import { getRuntime } from "../runtime";
import { estimate } from "./estimate";
import * as machine from "./machine";
import { toExecution } from "./serialize";
import { getExecutionRow } from "./service";

/** How many unknown ids a refusal lists. */
const LISTED_UNKNOWN_IDS = 10;

/**
 * A re-run: a new production execution of the parent's batch over just the rows `select` takes from the finished
 * parent, in input order, linked to it. With `agent`, that config is saved as the batch's next version and run; else
 * the latest version runs. The execution, its jobs, its start event, the new version and the audit entry are one
 * transaction.
 */
export async function rerunExecution(parentId: string, request: CreateRerun, doer: Doer = NOBODY): Promise<Execution> {
  const runtime = getRuntime();
  const parent = await getExecutionRow(parentId);
  if (!FINISHED_EXECUTION_STATUSES.includes(parent.status)) {
    throw invalidState(
      `Cannot re-run an execution that is ${parent.status}: only a completed or stopped execution can be re-run (stop it first)`,
    );
  }
  const rows = rowSelection(parent.id, request.select);
  await refuseUnknownIds(runtime.db, rows);
  const rowCount = await countSelectedRows(runtime.db, rows);
  if (rowCount === 0) {
    throw validationFailed(`select: no rows match: the execution has no ${request.select} jobs`, { field: "select" });
  }
  const batch = await getBatchRow(parent.batchId);
  // An edited config is validated like one uploaded with a batch; the current one is checked again (as at start).
  const edited = request.agent === undefined ? null : parseAgentConfig(request.agent);
  const agent = edited ?? parseAgentConfig(batch.agent);
  const concurrency = request.concurrency ?? 5;
  const planned = estimate(
    {
      mode: "production",
      sampleSize: rowCount,
      concurrency,
      rowCount,
      agent,
      historicalAvgMs: await executionsRepo.averageJobDurationMs(runtime.db, batch.id),
      historicalAvgCostUsd: await executionsRepo.averageJobCostUsd(runtime.db, batch.id),
    },
    runtime.env,
  );
  const execution = await transactWithEvents(runtime, async (tx, events) => {
    const configVersion = edited
      ? (await saveNextVersion(tx, batch.id, edited, doer.actor)).version
      : await latestVersion(tx, batch.id);
    const started = await machine.start(tx, withActor(events, doer.actor), {
      batchId: batch.id,
      mode: "production",
      sampleSize: null,
      concurrency,
      estimatedDurationMs: planned.estimatedDurationMs,
      estimatedCost: planned.estimatedCost,
      maxCost: request.maxCost ?? null,
      startedBy: doer.actor,
      configVersion,
      rerun: { rows, selection: selectionKind(request.select) },
    });
    await recordAudit(tx, doer, {
      action: "execution.rerun",
      projectId: batch.projectId,
      executionId: started.id,
      target: { type: "execution", id: started.id },
      after: {
        parentExecutionId: parent.id,
        selection: started.rerunSelection,
        totalJobs: started.totalJobs,
        concurrency: started.concurrency,
        maxCost: started.maxCost,
        configVersion,
        configEdited: edited !== null,
      },
    });
    return started;
  });
  runtime.bus.wake(execution.id);
  noteBulkInsert(runtime.db, "jobs", execution.totalJobs);
  return toExecution(execution);
}

/** The re-runs of an execution, newest first. */
export async function listReruns(parentId: string): Promise<Execution[]> {
  await getExecutionRow(parentId);
  return (await executionsRepo.listRerunsOf(getRuntime().db, parentId)).map(toExecution);
}

function rowSelection(parentId: string, select: RerunSelect): RowSelection {
  if (typeof select === "string") return { parentId, status: select };
  if ("jobIds" in select) return { parentId, jobIds: select.jobIds };
  return { parentId, inputIds: select.inputIds };
}

function selectionKind(select: RerunSelect): RerunSelection {
  if (typeof select === "string") return select;
  return "jobIds" in select ? "jobs" : "inputs";
}

/** Every listed id must name a job (or input id) of the parent: 400 naming the field and up to ten of the others. */
async function refuseUnknownIds(db: DbOrTx, rows: RowSelection): Promise<void> {
  if ("status" in rows) return;
  const unknown = await unknownIds(db, rows, LISTED_UNKNOWN_IDS);
  if (unknown.count === 0) return;
  const field = "jobIds" in rows ? "select.jobIds" : "select.inputIds";
  const what = "jobIds" in rows ? "jobs" : "input ids";
  const more = unknown.count > unknown.first.length ? ` and ${unknown.count - unknown.first.length} more` : "";
  throw validationFailed(
    `${field}: ${unknown.count} ${unknown.count === 1 ? "id is" : "ids are"} not ${what} of execution ${rows.parentId}: ${unknown.first.join(", ")}${more}`,
    { field, unknownIds: unknown.first, unknownCount: unknown.count },
  );
}
