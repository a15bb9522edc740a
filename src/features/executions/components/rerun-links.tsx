"use client";

import { RotateCcw } from "lucide-react";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { listReruns } from "@/lib/client/endpoints";
import { type ExecutionPathParams, livePath } from "@/lib/client/paths";
import { useApiResource } from "@/lib/client/use-api-resource";
import type { ProjectRole } from "@/lib/contract/auth";
import type { RerunOf } from "@/lib/contract/reruns";
import type { Execution } from "@/lib/contract/resources";
import type { JobCounts } from "@/lib/contract/stats";
import { formatPreciseDateTime, shortId } from "@/lib/format";
import { lineageWords, rerunChoices } from "../lib/rerun";
import { RerunButton } from "./rerun-dialog";
import { executionStatusLabel, executionStatusTone } from "./status-labels";

const linkClass =
  "font-medium text-indigo-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600";

/**
 * "Re-run failed (N)" and "Re-run cancelled (N)" for a finished execution, each hidden when N is 0; nothing for a
 * viewer (the server refuses them anyway) or while the role is unknown.
 */
export function RerunActions({
  params,
  status,
  stats,
  role,
}: {
  params: ExecutionPathParams;
  status: Execution["status"];
  stats: JobCounts;
  role: ProjectRole | null;
}) {
  return (
    <>
      {rerunChoices(status, stats, role).map((choice) => (
        <RerunButton key={choice.select} {...params} select={choice.select} rows={choice.rows} label={choice.label} />
      ))}
    </>
  );
}

/** A re-run's header line: "Re-run of execution 1a2b3c4d, 37 rows (failed)", the parent a link to its live view. */
export function RerunLineage({ params, rerun }: { params: ExecutionPathParams; rerun: RerunOf }) {
  return (
    <span className="inline-flex items-center gap-1 text-slate-700">
      <RotateCcw className="h-3.5 w-3.5" aria-hidden="true" />
      <span data-testid="rerun-lineage">
        Re-run of{" "}
        <Link href={livePath({ ...params, executionId: rerun.of })} className={linkClass}>
          execution {shortId(rerun.of)}
        </Link>
        , {lineageWords(rerun)}
      </span>
    </span>
  );
}

/**
 * The re-runs of this execution, newest first, each a link to its live view; nothing while there are none. Asked
 * again when `refreshKey` changes (the execution finished, so a re-run may follow).
 */
export function RerunsList({ params, refreshKey }: { params: ExecutionPathParams; refreshKey: string }) {
  const { data } = useApiResource(`${params.executionId}:${refreshKey}`, () => listReruns(params.executionId));
  const reruns = data?.executions ?? [];
  if (reruns.length === 0) return null;
  return (
    <Card className="p-4" data-testid="reruns-list">
      <h2 className="text-sm font-semibold text-slate-900">Re-runs of this execution</h2>
      <ul className="mt-2 divide-y divide-slate-100 text-sm">
        {reruns.map((execution) => (
          <li key={execution.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
            <Link href={livePath({ ...params, executionId: execution.id })} className={linkClass}>
              Execution {shortId(execution.id)}
            </Link>
            {execution.rerun && <span className="text-slate-700">{lineageWords(execution.rerun)}</span>}
            <Badge tone={executionStatusTone[execution.status]}>{executionStatusLabel[execution.status]}</Badge>
            <span className="text-slate-600">
              {execution.stats.completed} completed, {execution.stats.failed} failed · started{" "}
              {formatPreciseDateTime(execution.startedAt)}
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
