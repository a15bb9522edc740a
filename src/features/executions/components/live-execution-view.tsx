"use client";

import { ArrowLeft, FileX2, History, TableProperties } from "lucide-react";
import { memo, useCallback, useDeferredValue, useMemo } from "react";
import { Breadcrumbs } from "@/components/app/breadcrumbs";
import { NotFound } from "@/components/app/not-found";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button-link";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingBlock } from "@/components/ui/skeleton";
import { CompareButton } from "@/features/compare/components/compare-picker";
import type { RunningJob } from "@/lib/client/execution-state";
import {
  activityPath,
  batchPath,
  type ExecutionPathParams,
  jobPath,
  livePath,
  projectPath,
  projectsPath,
  resultsPath,
} from "@/lib/client/paths";
import { steerRefusal } from "@/lib/client/permissions";
import { BUDGET_REACHED } from "@/lib/contract/spend";
import { shortId } from "@/lib/format";
import { useCompletionNotification } from "../hooks/use-completion-notification";
import { useExecutionContext } from "../hooks/use-execution-context";
import { type ResultStatus, useExecutionResults } from "../hooks/use-execution-results";
import { useLiveExecution } from "../hooks/use-live-execution";
import { showsSpend, spendSummary } from "../lib/spend";
import { waitsForWorker } from "../lib/waits-for-worker";
import { whoDidIt } from "../lib/who-did-it";
import { AccessEnded } from "./access-ended";
import { AgentGrid } from "./agent-grid";
import { BudgetPauseBanner } from "./budget-pause-banner";
import { CompletionCard, completionSummary } from "./completion-card";
import { ExecutionControls } from "./execution-controls";
import { ExecutionHeader } from "./execution-header";
import { LiveStatsPanel } from "./live-stats-panel";
import { NoWorkerNotice } from "./no-worker-notice";
import { RerunActions, RerunLineage, RerunsList } from "./rerun-links";
import { ResultsTable } from "./results-table";
import { modeLabel } from "./status-labels";

const LIVE_STATUSES: readonly ResultStatus[] = ["completed", "failed"];

const byStart = (a: RunningJob, b: RunningJob) =>
  (a.startedAt ?? "").localeCompare(b.startedAt ?? "") || a.jobId.localeCompare(b.jobId);

type Live = ReturnType<typeof useLiveExecution>;

/**
 * The live view: watch the agents, steer the execution, see results stream in.
 *
 * Events can arrive every few milliseconds. The page renders from a deferred copy of the live state, so React
 * renders it in the background, interruptibly, with the newest state: a burst of events never blocks a frame.
 */
export function LiveExecutionView({ projectId, batchId, executionId }: ExecutionPathParams) {
  const live = useDeferredValue(useLiveExecution(executionId));
  return <LiveExecutionBody projectId={projectId} batchId={batchId} executionId={executionId} live={live} />;
}

const LiveExecutionBody = memo(function LiveExecutionBody({
  projectId,
  batchId,
  executionId,
  live,
}: ExecutionPathParams & { live: Live }) {
  const params = { projectId, batchId, executionId };
  const jobHref = useCallback(
    (jobId: string) => jobPath({ projectId, batchId, executionId }, jobId),
    [projectId, batchId, executionId],
  );
  const names = useExecutionContext(projectId, batchId, live.accessChanges);
  const { state, execution, connected, everConnected, error, degraded, liveWorkers, notFound, accessEnded, controls } =
    live;

  const runningJobs = state?.runningJobs;
  const running = useMemo(() => (runningJobs ? Object.values(runningJobs).sort(byStart) : []), [runningJobs]);
  const stats = state?.stats;
  const spend = useMemo(
    () => (execution && stats ? spendSummary(execution, stats, running) : null),
    [execution, stats, running],
  );
  const results = useExecutionResults(executionId, {
    live: state?.completedJobs ?? EMPTY,
    expected: stats ? stats.completed + stats.failed : 0,
    statuses: LIVE_STATUSES,
  });

  const mode = state?.execution.mode ?? null;
  const title = names.batch
    ? `${mode ? modeLabel[mode] : "Execution"} of ${names.batch}`
    : `${mode ? modeLabel[mode] : "Execution"} ${shortId(executionId)}`;
  const finished = execution?.status === "completed" || execution?.status === "stopped";
  const summary = execution && stats ? completionSummary(execution.status, stats) : null;
  useCompletionNotification(
    execution?.status,
    summary?.title ?? "",
    summary ? `${title}: ${summary.body}` : "",
    livePath(params),
  );

  const crumbs = (
    <Breadcrumbs
      items={[
        { label: "Projects", href: projectsPath },
        { label: names.project ?? "Project", href: projectPath(projectId) },
        { label: names.batch ?? "Batch", href: batchPath(params) },
        { label: "Live" },
      ]}
    />
  );

  if (notFound) return <NotFound what="execution" backHref={batchPath(params)} backLabel="Back to the batch" />;

  if (!state || !execution || !stats) {
    return (
      <div className="space-y-6">
        {crumbs}
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Live execution</h1>
        {accessEnded ? (
          <AccessEnded />
        ) : error ? (
          <Alert tone="danger" title="Could not load this execution">
            {error} Retrying…
          </Alert>
        ) : (
          <LoadingBlock label="Loading the execution…" lines={4} />
        )}
      </div>
    );
  }

  const empty = stats.total === 0 && execution.totalJobs === 0;

  return (
    <div className="space-y-6">
      {crumbs}
      <ExecutionHeader
        title={title}
        mode={mode}
        status={execution.status}
        connection={{ connected, everConnected }}
        byline={whoDidIt(execution)}
        subtitle={execution.rerun && <RerunLineage params={params} rerun={execution.rerun} />}
        actions={
          <>
            <ExecutionControls
              execution={execution}
              controls={controls}
              spentUsd={spend?.spentUsd ?? 0}
              role={names.role}
            />
            <div className="flex gap-2">
              <ButtonLink href={resultsPath(params)} variant="secondary" size="sm">
                <TableProperties className="h-4 w-4" aria-hidden="true" />
                Results
              </ButtonLink>
              <ButtonLink href={activityPath(params)} variant="secondary" size="sm">
                <History className="h-4 w-4" aria-hidden="true" />
                Activity
              </ButtonLink>
              <ButtonLink href={batchPath(params)} variant="ghost" size="sm">
                <ArrowLeft className="h-4 w-4" aria-hidden="true" />
                Exit
              </ButtonLink>
            </div>
          </>
        }
      />

      {accessEnded && <AccessEnded />}
      {degraded && (
        <div data-testid="degraded-banner">
          <Alert tone="danger" title="Database unreachable — reconnecting">
            Live updates are paused while the server cannot reach its database; they resume by themselves, missing
            nothing, when it is back. ({degraded})
          </Alert>
        </div>
      )}
      {!degraded && waitsForWorker(execution.status, stats, liveWorkers) && <NoWorkerNotice />}
      {error && state && <Alert tone="warning">{error}</Alert>}

      {finished && !empty && (
        <CompletionCard
          executionId={executionId}
          status={execution.status}
          stats={stats}
          stopReason={execution.stopReason}
          resultsHref={resultsPath(params)}
          actions={
            <>
              <RerunActions params={params} status={execution.status} stats={stats} role={names.role} />
              <CompareButton params={params} status={execution.status} />
            </>
          }
        />
      )}
      {finished && <RerunsList params={params} refreshKey={execution.status} />}
      {execution.status === "paused" && execution.pauseReason === BUDGET_REACHED && spend && (
        <BudgetPauseBanner
          capUsd={execution.maxCost}
          spentUsd={spend.spentUsd}
          resumable
          canSteer={steerRefusal(names.role) === null}
        />
      )}
      {execution.status === "paused" && execution.pauseReason !== BUDGET_REACHED && (
        <Alert tone="warning" title="Paused">
          Running jobs finish; no new job starts until {steerRefusal(names.role) ? "someone resumes it" : "you resume"}.
        </Alert>
      )}
      {execution.status === "stopping" && (
        <Alert tone="warning" title="Stopping">
          Queued jobs were cancelled; the running ones are finishing.
          {execution.stopReason ? ` Reason: ${execution.stopReason}` : ""}
        </Alert>
      )}

      {empty ? (
        <EmptyState
          icon={FileX2}
          title="This execution has no jobs"
          action={
            <ButtonLink href={batchPath(params)} variant="secondary">
              Back to the batch
            </ButtonLink>
          }
        >
          The batch had no row to run. Upload a CSV with at least one usable URL and execute it again.
        </EmptyState>
      ) : (
        <>
          <LiveStatsPanel
            stats={stats}
            execution={execution}
            spend={spend && showsSpend(names.engine, spend) ? spend : null}
          />
          {!finished && <AgentGrid jobs={running} status={execution.status} queued={stats.queued} />}
          <section aria-labelledby="results-heading">
            <h2 id="results-heading" className="mb-3 text-lg font-semibold text-slate-900">
              Results
            </h2>
            <ResultsTable
              rows={results.rows}
              version={results.version}
              counts={results.counts}
              fields={results.fields}
              statuses={LIVE_STATUSES}
              loading={results.loading}
              error={results.error}
              jobHref={jobHref}
              label="Live results"
            />
          </section>
        </>
      )}
    </div>
  );
});

const EMPTY: never[] = [];
