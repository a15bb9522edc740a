"use client";

import { History } from "lucide-react";
import Link from "next/link";
import { LoadError } from "@/components/app/load-error";
import { Badge, type Tone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Progress } from "@/components/ui/progress";
import { LoadingBlock } from "@/components/ui/skeleton";
import { livePath, resultsPath } from "@/lib/client/paths";
import type { Resource } from "@/lib/client/use-api-resource";
import type { Execution, ExecutionStatus } from "@/lib/contract/resources";
import { formatDateTime, formatRelative, plural } from "@/lib/format";

const statusTone: Record<ExecutionStatus, Tone> = {
  pending: "neutral",
  running: "info",
  paused: "warning",
  stopping: "warning",
  stopped: "neutral",
  completed: "success",
};

const statusLabel: Record<ExecutionStatus, string> = {
  pending: "Pending",
  running: "Running",
  paused: "Paused",
  stopping: "Stopping",
  stopped: "Stopped",
  completed: "Completed",
};

export function ExecutionStatusBadge({ status }: { status: ExecutionStatus }) {
  return <Badge tone={statusTone[status] ?? "neutral"}>{statusLabel[status] ?? status}</Badge>;
}

const linkClass =
  "rounded text-sm font-medium text-indigo-700 hover:text-indigo-900 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

/** Past and current runs of a batch, newest first, with their progress and the ways into them. */
export function ExecutionsList({
  projectId,
  batchId,
  executions,
}: {
  projectId: string;
  batchId: string;
  executions: Resource<Execution[]>;
}) {
  const { data, error, loading, reload } = executions;
  if (loading) return <LoadingBlock label="Loading executions…" lines={2} />;
  if (error && !data) {
    return <LoadError title="Could not load the executions" message={error.message} onRetry={reload} />;
  }
  if (!data?.length) {
    return (
      <EmptyState icon={History} title="No runs yet">
        Use “Execute Batch” to start one. A test run on a few rows is a good first step.
      </EmptyState>
    );
  }
  return (
    <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm">
      {data.map((execution, i) => {
        const stats = execution.stats;
        const done = (stats?.completed ?? 0) + (stats?.failed ?? 0);
        const total = execution.totalJobs || stats?.total || 0;
        const percent = total ? (done / total) * 100 : 0;
        const label = `${execution.mode === "test" ? "Test run" : "Production run"} ${data.length - i}`;
        return (
          <li
            key={execution.id}
            className="grid gap-3 px-4 py-3 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-center"
          >
            <div className="min-w-0">
              <div className="flex flex-wrap items-center gap-2">
                <ExecutionStatusBadge status={execution.status} />
                <span className="font-medium text-slate-900">{label}</span>
              </div>
              <p className="mt-1 text-xs text-slate-600">
                {plural(total, "job")} · config v{execution.configVersion} · concurrency {execution.concurrency} ·
                started{" "}
                <time dateTime={execution.createdAt} title={formatDateTime(execution.createdAt)}>
                  {formatRelative(execution.createdAt)}
                </time>
                {execution.stopReason ? ` · stopped: ${execution.stopReason}` : ""}
              </p>
            </div>
            <div>
              <Progress value={percent} label={`${label} progress`} />
              <p className="mt-1 text-xs tabular-nums text-slate-600">
                {done.toLocaleString("en-US")}/{total.toLocaleString("en-US")} done
                {stats?.failed ? ` · ${stats.failed.toLocaleString("en-US")} failed` : ""}
              </p>
            </div>
            <div className="flex gap-4">
              <Link
                href={livePath({ projectId, batchId, executionId: execution.id })}
                className={linkClass}
                aria-label={`Live view of ${label}`}
              >
                Live view
              </Link>
              <Link
                href={resultsPath({ projectId, batchId, executionId: execution.id })}
                className={linkClass}
                aria-label={`Results of ${label}`}
              >
                Results
              </Link>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
