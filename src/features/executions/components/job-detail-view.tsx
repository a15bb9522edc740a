"use client";

import { ImageOff } from "lucide-react";
import { useState } from "react";
import { Breadcrumbs } from "@/components/app/breadcrumbs";
import { NotFound } from "@/components/app/not-found";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button-link";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Progress } from "@/components/ui/progress";
import { LoadingBlock } from "@/components/ui/skeleton";
import { screenshotUrl } from "@/lib/client/endpoints";
import {
  batchPath,
  type ExecutionPathParams,
  livePath,
  projectPath,
  projectsPath,
  resultsPath,
} from "@/lib/client/paths";
import type { Job, Step } from "@/lib/contract/resources";
import type { TranscriptStep } from "@/lib/contract/spend";
import {
  formatJobDuration,
  formatPreciseDateTime,
  formatSpend,
  formatTime,
  formatTokens,
  formatValue,
} from "@/lib/format";
import { useExecutionContext } from "../hooks/use-execution-context";
import { useJob } from "../hooks/use-job";
import { jobStatusLabel, jobStatusTone } from "./status-labels";
import { TranscriptList } from "./transcript-list";

/** One job: what it was asked, what happened step by step, the final screenshot, the data and the error. */
export function JobDetailView({ projectId, batchId, executionId, jobId }: ExecutionPathParams & { jobId: string }) {
  const params = { projectId, batchId, executionId };
  const names = useExecutionContext(projectId, batchId);
  const { job, steps, transcript, goalAsRun, error, loading } = useJob(jobId);

  if (error?.status === 404)
    return <NotFound what="job" backHref={resultsPath(params)} backLabel="Back to the results" />;

  return (
    <div className="space-y-6">
      <Breadcrumbs
        items={[
          { label: "Projects", href: projectsPath },
          { label: names.project ?? "Project", href: projectPath(projectId) },
          { label: names.batch ?? "Batch", href: batchPath(params) },
          { label: "Results", href: resultsPath(params) },
          { label: job ? `Input ${job.inputId}` : "Job" },
        ]}
      />
      {loading ? (
        <>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Job</h1>
          <LoadingBlock label="Loading the job…" />
        </>
      ) : !job ? (
        <>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Job</h1>
          <Alert tone="danger">{error?.message ?? "Could not load the job."}</Alert>
        </>
      ) : (
        <JobBody job={job} steps={steps} transcript={transcript} goal={goalAsRun ?? job.goal} params={params} />
      )}
    </div>
  );
}

function JobBody({
  job,
  steps,
  transcript,
  goal,
  params,
}: {
  job: Job;
  steps: Step[];
  transcript: TranscriptStep[];
  /** The goal as the agent got it, its {{column}} values filled. */
  goal: string | null;
  params: ExecutionPathParams;
}) {
  const active = job.status === "running" || job.status === "queued";
  return (
    <>
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <h1 className="flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight text-slate-900">
            <span className="break-all">Input {job.inputId}</span>
            <Badge tone={jobStatusTone[job.status]} data-testid="job-status">
              {jobStatusLabel[job.status]}
            </Badge>
          </h1>
          <p className="mt-1 truncate text-sm text-slate-600" title={job.siteUrl}>
            {job.siteUrl}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <ButtonLink href={resultsPath(params)} variant="secondary" size="sm">
            All results
          </ButtonLink>
          <ButtonLink href={livePath(params)} variant="secondary" size="sm">
            Live view
          </ButtonLink>
        </div>
      </div>

      {job.status === "failed" && job.errorMessage && (
        <Alert tone="danger" title="This job failed">
          <span data-testid="job-error">{job.errorMessage}</span>
        </Alert>
      )}
      {active && (
        <Card className="p-4">
          <p className="mb-2 text-sm text-slate-700">
            {job.status === "queued" ? "Waiting for an agent…" : (job.currentStep ?? "Running…")}
          </p>
          <Progress value={job.progressPercentage} label="Job progress" />
        </Card>
      )}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <Card>
          <CardHeader>
            <h2 className="text-base font-semibold text-slate-900">Details</h2>
          </CardHeader>
          <CardBody>
            <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
              <Fact label="Site">
                <a
                  href={job.siteUrl}
                  target="_blank"
                  rel="noreferrer noopener"
                  className="break-all text-indigo-700 underline-offset-2 hover:underline"
                >
                  {job.siteUrl}
                </a>
              </Fact>
              {job.finalUrl && job.finalUrl !== job.siteUrl && <Fact label="Final page">{job.finalUrl}</Fact>}
              {goal && <Fact label="Goal">{goal}</Fact>}
              {job.httpStatus != null && <Fact label="HTTP status">{job.httpStatus}</Fact>}
              <Fact label="Started">{formatPreciseDateTime(job.startedAt)}</Fact>
              <Fact label="Finished">{formatPreciseDateTime(job.completedAt)}</Fact>
              <Fact label="Duration">{formatJobDuration(job.executionDurationMs)}</Fact>
              <Fact label="Retries">
                {job.retryCount}
                {job.retryReason ? ` (${job.retryReason})` : ""}
              </Fact>
              {job.usage && (
                <>
                  <Fact label="Model">{job.usage.model}</Fact>
                  <Fact label="Tokens">
                    <span data-testid="job-tokens">
                      {job.usage.inputTokens.toLocaleString("en-US")} in ·{" "}
                      {job.usage.outputTokens.toLocaleString("en-US")} out
                    </span>
                    {job.usage.estimated ? " (estimated: the model reported none)" : ""}
                  </Fact>
                  <Fact label="Cost">
                    <span data-testid="job-cost">{formatSpend(job.usage.costUsd)}</span>
                  </Fact>
                </>
              )}
            </dl>
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <h2 className="text-base font-semibold text-slate-900">Final screenshot</h2>
          </CardHeader>
          <CardBody>
            <FinalScreenshot job={job} />
          </CardBody>
        </Card>
      </div>

      <Card>
        <CardHeader>
          <h2 className="text-base font-semibold text-slate-900">Extracted data</h2>
        </CardHeader>
        <CardBody>
          <ExtractedData data={job.extractedData} status={job.status} />
        </CardBody>
      </Card>

      {transcript.length > 0 && (
        <Card>
          <CardHeader className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="text-base font-semibold text-slate-900">Transcript</h2>
            <p className="text-xs text-slate-600">
              What the agent saw, decided and did{job.retryCount > 0 ? " in its last attempt" : ""}:{" "}
              {transcript.length === 1 ? "1 step" : `${transcript.length} steps`},{" "}
              {formatTokens(transcript.reduce((n, s) => n + s.inputTokens + s.outputTokens, 0))} tokens
            </p>
          </CardHeader>
          <CardBody>
            <TranscriptList steps={transcript} />
          </CardBody>
        </Card>
      )}

      <Card>
        <CardHeader>
          <h2 className="text-base font-semibold text-slate-900">Step log</h2>
        </CardHeader>
        <CardBody>
          {steps.length === 0 ? (
            <p className="text-sm text-slate-600">No step was recorded{job.status === "queued" ? " yet" : ""}.</p>
          ) : (
            <ol className="space-y-2" data-testid="step-log">
              {steps.map((s, i) => (
                <li
                  // biome-ignore lint/suspicious/noArrayIndexKey: the step log only grows at its end
                  key={i}
                  className="grid grid-cols-[5.5rem_minmax(0,1fr)_3rem] items-baseline gap-3 border-b border-slate-100 pb-2 text-sm last:border-0"
                >
                  <time dateTime={s.at} className="font-mono text-xs text-slate-600">
                    {formatTime(s.at)}
                  </time>
                  <div className="min-w-0">
                    <p className="break-words text-slate-900">{s.step}</p>
                    {s.url && (
                      <p className="truncate text-xs text-slate-600" title={s.url}>
                        {s.url}
                      </p>
                    )}
                  </div>
                  <span className="text-right text-xs tabular-nums text-slate-600">
                    {s.percent != null ? `${Math.round(s.percent)}%` : ""}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </CardBody>
      </Card>
    </>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </>
  );
}

function FinalScreenshot({ job }: { job: Job }) {
  const [failed, setFailed] = useState(false);
  const none = failed || job.hasScreenshot === false;
  if (none) {
    return (
      <div
        className="flex aspect-[16/9] flex-col items-center justify-center gap-2 rounded-md bg-slate-100 text-slate-600"
        data-testid="no-screenshot"
      >
        <ImageOff className="h-6 w-6" aria-hidden="true" />
        <span className="text-sm">
          No screenshot was taken{job.status === "running" || job.status === "queued" ? " yet" : ""}.
        </span>
      </div>
    );
  }
  return (
    // biome-ignore lint/performance/noImgElement: served by our API, not worth next/image
    <img
      src={screenshotUrl(job.id, job.completedAt ?? String(job.progressPercentage))}
      alt={`Final screenshot of ${job.finalUrl ?? job.siteUrl}`}
      className="aspect-[16/9] w-full rounded-md border border-slate-200 bg-slate-100 object-cover object-top"
      onError={() => setFailed(true)}
    />
  );
}

function ExtractedData({ data, status }: { data: Record<string, unknown> | null; status: Job["status"] }) {
  const entries = data && typeof data === "object" ? Object.entries(data) : [];
  if (entries.length === 0) {
    return (
      <EmptyState title={status === "completed" ? "Nothing was extracted" : "No data"} className="py-6">
        {status === "failed"
          ? "The job failed before it extracted anything."
          : status === "completed"
            ? "The page had none of the configured fields."
            : "Data appears when the job completes."}
      </EmptyState>
    );
  }
  return (
    <dl className="divide-y divide-slate-100 text-sm" data-testid="extracted-data">
      {entries.map(([key, value]) => {
        const structured = value !== null && typeof value === "object";
        return (
          <div key={key} className="grid gap-1 py-2 sm:grid-cols-[12rem_minmax(0,1fr)] sm:gap-4">
            <dt className="break-words font-medium text-slate-700">{key}</dt>
            <dd className="min-w-0 text-slate-900">
              {structured ? (
                <pre
                  role="region"
                  tabIndex={0}
                  aria-label={`${key} (JSON)`}
                  className="max-h-64 overflow-auto rounded bg-slate-50 p-2 font-mono text-xs whitespace-pre-wrap break-words"
                >
                  {JSON.stringify(value, null, 2)}
                </pre>
              ) : (
                <span className="break-words">{formatValue(value)}</span>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
