"use client";

import { Activity, CheckCircle2, Clock, Gauge, TrendingUp, XCircle } from "lucide-react";
import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Progress } from "@/components/ui/progress";
import type { Execution } from "@/lib/contract/resources";
import { type JobCounts, successRate } from "@/lib/contract/stats";
import { formatDurationCompact } from "@/lib/format";
import { useAnimatedNumber } from "../hooks/use-animated-number";
import { useNow } from "../hooks/use-now";
import type { SpendSummary } from "../lib/spend";
import { SpendCard } from "./spend-card";

type Timing = Pick<Execution, "status" | "concurrency" | "startedAt" | "completedAt" | "stoppedAt">;

/** Elapsed wall time of an execution, frozen once it has finished. */
export function elapsedMs(execution: Timing, now: number): number {
  if (!execution.startedAt) return 0;
  const start = Date.parse(execution.startedAt);
  const endIso =
    execution.status === "completed"
      ? execution.completedAt
      : execution.status === "stopped"
        ? (execution.completedAt ?? execution.stoppedAt)
        : null;
  const end = endIso ? Date.parse(endIso) : now;
  return Math.max(0, (end || now) - start);
}

function Stat({
  label,
  icon,
  value,
  sub,
  testId,
  className,
  children,
}: {
  label: string;
  icon: ReactNode;
  value: ReactNode;
  sub?: ReactNode;
  testId: string;
  className?: string;
  children?: ReactNode;
}) {
  return (
    <Card className={cn("flex min-w-0 flex-col p-4", className)}>
      <dt className="flex items-center justify-between gap-2 text-xs font-semibold uppercase tracking-wide text-slate-600">
        {label}
        {icon}
      </dt>
      <dd className="mt-1 min-w-0">
        <span className="block truncate text-2xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
          {value}
        </span>
        {sub && <span className="mt-0.5 block truncate text-sm text-slate-600">{sub}</span>}
        {children}
      </dd>
    </Card>
  );
}

/**
 * Progress, success rate, running / queued, failures, concurrency, elapsed and ETA, and the model spend when there is
 * one to show. Numbers glide rather than jump.
 */
export function LiveStatsPanel({
  stats,
  execution,
  spend,
}: {
  stats: JobCounts;
  execution: Timing;
  spend?: SpendSummary | null;
}) {
  const now = useNow();
  const done = stats.completed + stats.failed;
  const finishedTotal = done + stats.cancelled;
  const total = Math.max(stats.total, 0);
  const percentDone = total > 0 ? (finishedTotal / total) * 100 : 0;
  const success = successRate(stats);
  const failureRate = done > 0 ? (stats.failed / done) * 100 : 0;

  // Once finished, the figures are final and shown as they are, in the same render as the completion card.
  const finished = execution.status === "completed" || execution.status === "stopped";
  const aDone = useAnimatedNumber(done, { exact: finished });
  const aRunning = useAnimatedNumber(stats.running, { exact: finished });
  const aQueued = useAnimatedNumber(stats.queued, { exact: finished });
  const aFailed = useAnimatedNumber(stats.failed, { exact: finished });
  const aSuccess = useAnimatedNumber(success, { exact: finished });
  const aFailure = useAnimatedNumber(failureRate, { exact: finished });

  const elapsed = elapsedMs(execution, now);
  const active = execution.status === "running" || execution.status === "pending";
  const remaining = Math.max(0, total - finishedTotal);
  let eta: string;
  if (finished) eta = "Finished";
  else if (execution.status === "paused") eta = "Paused";
  else if (execution.status === "stopping") eta = "Stopping";
  else if (done === 0 || elapsed === 0 || !active) eta = "Estimating…";
  else eta = `about ${formatDurationCompact((remaining * elapsed) / done)} left`;

  return (
    <section aria-labelledby="stats-heading">
      <h2 id="stats-heading" className="sr-only">
        Statistics
      </h2>
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <Stat
          label="Progress"
          icon={<Activity className="h-4 w-4 text-slate-500" aria-hidden="true" />}
          value={
            <>
              {Math.round(aDone)}
              <span className="text-slate-500">/{total}</span>
            </>
          }
          testId="stat-progress"
          className="col-span-2 md:col-span-1"
        >
          <Progress value={percentDone} label="Execution progress" className="mt-2" tone="bg-emerald-600" />
          <span className="mt-1 block text-xs text-slate-600">
            {Math.floor(percentDone)}% done{stats.cancelled > 0 ? ` · ${stats.cancelled} cancelled` : ""}
          </span>
        </Stat>
        <Stat
          label="Success rate"
          icon={<TrendingUp className="h-4 w-4 text-emerald-700" aria-hidden="true" />}
          value={`${aSuccess.toFixed(1)}%`}
          sub={done > 0 ? `${stats.completed} succeeded` : "nothing finished yet"}
          testId="stat-success"
        />
        <Stat
          label="Running now"
          icon={<CheckCircle2 className="h-4 w-4 text-indigo-600" aria-hidden="true" />}
          value={Math.round(aRunning)}
          sub={<span data-testid="stat-queued">{Math.round(aQueued)} queued</span>}
          testId="stat-running"
        />
        <Stat
          label="Failed"
          icon={
            <XCircle
              className={cn("h-4 w-4", stats.failed > 0 ? "text-red-600" : "text-slate-500")}
              aria-hidden="true"
            />
          }
          value={<span className={stats.failed > 0 ? "text-red-700" : undefined}>{Math.round(aFailed)}</span>}
          sub={`${aFailure.toFixed(1)}% failure rate`}
          testId="stat-failed"
        />
        <Stat
          label="Concurrency"
          icon={<Gauge className="h-4 w-4 text-slate-500" aria-hidden="true" />}
          value={execution.concurrency}
          sub="agents at once"
          testId="stat-concurrency"
        />
        <Stat
          label="Elapsed"
          icon={<Clock className="h-4 w-4 text-slate-500" aria-hidden="true" />}
          value={now === 0 && active ? "—" : formatDurationCompact(elapsed)}
          sub={<span data-testid="stat-eta">{eta}</span>}
          testId="stat-elapsed"
          className="col-span-2 md:col-span-1"
        />
        {spend && <SpendCard spend={spend} exact={finished} />}
      </dl>
    </section>
  );
}
