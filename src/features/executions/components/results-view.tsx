"use client";

import { History, Radio } from "lucide-react";
import { useCallback, useState } from "react";
import { Breadcrumbs } from "@/components/app/breadcrumbs";
import { NotFound } from "@/components/app/not-found";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button-link";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { LoadingBlock } from "@/components/ui/skeleton";
import { CompareButton } from "@/features/compare/components/compare-picker";
import {
  activityPath,
  batchPath,
  type ExecutionPathParams,
  jobPath,
  livePath,
  projectPath,
  projectsPath,
} from "@/lib/client/paths";
import { canSteer, steerRefusal } from "@/lib/client/permissions";
import { FINISHED_EXECUTION_STATUSES } from "@/lib/contract/resources";
import { BUDGET_REACHED } from "@/lib/contract/spend";
import { formatDurationCompact, formatPreciseDateTime, formatSpend, shortId } from "@/lib/format";
import { useExecutionContext } from "../hooks/use-execution-context";
import { type ResultStatus, useExecutionResults } from "../hooks/use-execution-results";
import { useExecutionStream } from "../hooks/use-execution-stream";
import { showsSpend, spendSummary } from "../lib/spend";
import { whoDidIt } from "../lib/who-did-it";
import { AccessEnded } from "./access-ended";
import { BudgetPauseBanner } from "./budget-pause-banner";
import { ExportLinks } from "./completion-card";
import { ExecutionHeader } from "./execution-header";
import { elapsedMs } from "./live-stats-panel";
import { RerunButton } from "./rerun-dialog";
import { RerunActions, RerunLineage, RerunsList } from "./rerun-links";
import { ResultsTable } from "./results-table";
import { modeLabel } from "./status-labels";

const RESULT_STATUSES: readonly ResultStatus[] = ["completed", "failed", "cancelled"];

/** Every finished job of an execution, finished or still running (rows keep arriving), with the exports. */
export function ResultsView({ projectId, batchId, executionId }: ExecutionPathParams) {
  const params = { projectId, batchId, executionId };
  const jobHref = useCallback(
    (jobId: string) => jobPath({ projectId, batchId, executionId }, jobId),
    [projectId, batchId, executionId],
  );
  const names = useExecutionContext(projectId, batchId);
  const { state, error, notFound, accessEnded } = useExecutionStream(executionId);
  const stats = state?.stats;
  const [selected, setSelected] = useState<ReadonlySet<string>>(NONE);
  const results = useExecutionResults(executionId, {
    live: state?.completedJobs ?? EMPTY,
    expected: stats ? stats.completed + stats.failed + stats.cancelled : 0,
    statuses: RESULT_STATUSES,
  });

  if (notFound) return <NotFound what="execution" backHref={batchPath(params)} backLabel="Back to the batch" />;

  const mode = state?.execution.mode ?? null;
  const title = `Results of ${names.batch ? `${mode ? modeLabel[mode].toLowerCase() : "execution"} of ${names.batch}` : `execution ${shortId(executionId)}`}`;
  const execution = state?.execution ?? null;
  const spend = execution && stats && state ? spendSummary(execution, stats, Object.values(state.runningJobs)) : null;
  const spendShown = spend !== null && showsSpend(names.engine, spend);
  const finished = execution !== null && FINISHED_EXECUTION_STATUSES.includes(execution.status);
  const rerunnable = finished && canSteer(names.role);

  return (
    <div className="space-y-6">
      <Breadcrumbs
        items={[
          { label: "Projects", href: projectsPath },
          { label: names.project ?? "Project", href: projectPath(projectId) },
          { label: names.batch ?? "Batch", href: batchPath(params) },
          { label: "Results" },
        ]}
      />
      {!execution || !stats ? (
        <>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Results</h1>
          {accessEnded ? (
            <AccessEnded />
          ) : error ? (
            <Alert tone="danger" title="Could not load this execution">
              {error}
            </Alert>
          ) : (
            <LoadingBlock label="Loading the results…" />
          )}
        </>
      ) : (
        <>
          <ExecutionHeader
            title={title}
            mode={mode}
            status={execution.status}
            byline={whoDidIt(execution)}
            subtitle={
              <>
                <span>
                  Started {formatPreciseDateTime(execution.startedAt)} · ran{" "}
                  {formatDurationCompact(elapsedMs(execution, Date.now()))}
                </span>
                {execution.rerun && <RerunLineage params={params} rerun={execution.rerun} />}
              </>
            }
            actions={
              <div className="flex flex-wrap gap-2">
                <RerunActions params={params} status={execution.status} stats={stats} role={names.role} />
                <CompareButton params={params} status={execution.status} />
                <ExportLinks executionId={executionId} />
                <ButtonLink href={livePath(params)} variant="secondary" size="sm">
                  <Radio className="h-4 w-4" aria-hidden="true" />
                  Live view
                </ButtonLink>
                <ButtonLink href={activityPath(params)} variant="secondary" size="sm">
                  <History className="h-4 w-4" aria-hidden="true" />
                  Activity
                </ButtonLink>
              </div>
            }
          />
          {accessEnded && <AccessEnded />}
          {execution.status === "paused" && execution.pauseReason === BUDGET_REACHED && spend && (
            <BudgetPauseBanner
              capUsd={execution.maxCost}
              spentUsd={spend.spentUsd}
              resumable={false}
              canSteer={steerRefusal(names.role) === null}
            />
          )}
          {execution.stopReason && (
            <Alert tone="warning" title="Stopped">
              Reason: {execution.stopReason}
            </Alert>
          )}
          <Card className="p-4">
            <h2 className="sr-only">Summary</h2>
            <dl className={cn("grid grid-cols-2 gap-4 text-sm", spendShown ? "sm:grid-cols-6" : "sm:grid-cols-5")}>
              {[
                ["Total", stats.total],
                ["Completed", stats.completed],
                ["Failed", stats.failed],
                ["Cancelled", stats.cancelled],
                ["Still to run", stats.running + stats.queued],
                ...(spendShown && spend ? [["Model spend", formatSpend(spend.spentUsd)]] : []),
              ].map(([label, value]) => (
                <div key={label}>
                  <dt className="text-slate-600">{label}</dt>
                  <dd className="text-xl font-semibold tabular-nums text-slate-900">{value}</dd>
                </div>
              ))}
            </dl>
          </Card>
          {finished && <RerunsList params={params} refreshKey={execution.status} />}
          <section aria-labelledby="results-heading">
            <h2 id="results-heading" className="sr-only">
              Jobs
            </h2>
            <ResultsTable
              rows={results.rows}
              version={results.version}
              counts={results.counts}
              fields={results.fields}
              statuses={RESULT_STATUSES}
              loading={results.loading}
              error={results.error}
              jobHref={jobHref}
              label="All results"
              height="max-h-[70vh]"
              selection={
                rerunnable
                  ? {
                      selected,
                      onChange: setSelected,
                      actions: selected.size > 0 && (
                        <RerunButton
                          {...params}
                          variant="primary"
                          select={{ jobIds: [...selected] }}
                          rows={selected.size}
                          label={`Re-run selected (${selected.size.toLocaleString("en-US")})`}
                        />
                      ),
                    }
                  : undefined
              }
            />
          </section>
        </>
      )}
    </div>
  );
}

const EMPTY: never[] = [];
const NONE: ReadonlySet<string> = new Set();
