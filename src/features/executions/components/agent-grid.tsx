"use client";

import { Globe, Loader2, PauseCircle } from "lucide-react";
import { memo, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Progress } from "@/components/ui/progress";
import { screenshotUrl } from "@/lib/client/endpoints";
import type { ExecutionStatus } from "@/lib/contract/resources";
import { useNow } from "../hooks/use-now";
import { usePresence } from "../hooks/use-presence";

/** What an agent card needs to know about a running job (the live state's running job fits as it is). */
export interface RunningJobView {
  jobId: string;
  inputId: string | null;
  siteUrl: string | null;
  currentStep: string | null;
  currentUrl: string | null;
  /** 0-100 */
  progress: number;
  startedAt: string | null;
  /** When the job last sent a screenshot; absent until it has one. */
  screenshotAt?: string;
  /** A goal-driven agent's one-line reason for its current step. */
  reason?: string;
}

export const MAX_CARDS = 6;
const keyOf = (job: RunningJobView) => job.jobId;

/** A card per running job, at most six, with a count of the others. */
export function AgentGrid({
  jobs,
  status,
  queued,
}: {
  jobs: readonly RunningJobView[];
  status: ExecutionStatus;
  queued: number;
}) {
  const shown = usePresence(jobs, keyOf, MAX_CARDS);
  const visible = shown.filter((s) => !s.leaving).length;
  const more = Math.max(0, jobs.length - visible);

  return (
    <section aria-labelledby="agents-heading">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="agents-heading" className="text-lg font-semibold text-slate-900">
          Agents at work <span className="font-normal text-slate-600">({jobs.length})</span>
        </h2>
        {more > 0 && (
          <p className="text-sm font-medium text-slate-700" data-testid="more-running">
            +{more} more running
          </p>
        )}
      </div>
      {shown.length === 0 ? (
        status === "paused" ? (
          <EmptyState icon={PauseCircle} title="Paused">
            No new job starts until it is resumed.{queued > 0 ? ` ${queued} queued.` : ""}
          </EmptyState>
        ) : status === "stopping" ? (
          <EmptyState icon={Loader2} title="Stopping">
            The last running jobs are finishing.
          </EmptyState>
        ) : (
          <EmptyState icon={Loader2} title="Waiting for agents">
            {queued > 0 ? `${queued} jobs queued; agents pick them up in a moment.` : "No job is running right now."}
          </EmptyState>
        )
      ) : (
        <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3" aria-label="Running jobs">
          {shown.map(({ key, item, leaving }) => (
            <AgentCard key={key} job={item} leaving={leaving} />
          ))}
        </ul>
      )}
    </section>
  );
}

const AgentCard = memo(function AgentCard({ job, leaving }: { job: RunningJobView; leaving: boolean }) {
  const now = useNow();
  const started = job.startedAt ? Date.parse(job.startedAt) : NaN;
  const elapsedSeconds = Number.isFinite(started) && now > 0 ? Math.max(0, Math.floor((now - started) / 1000)) : 0;
  const url = job.currentUrl || job.siteUrl || "";
  const inputId = job.inputId ?? "—";
  const starting = job.progress <= 0 && !leaving;

  return (
    <li
      data-testid="agent-card"
      data-job-id={job.jobId}
      data-leaving={leaving || undefined}
      className={cn(
        "transition-[opacity,transform] duration-200 ease-out motion-reduce:transition-none starting:translate-y-1 starting:scale-[0.97] starting:opacity-0",
        leaving && "pointer-events-none scale-[0.97] opacity-0",
      )}
      aria-hidden={leaving || undefined}
    >
      <Card className="flex h-full flex-row overflow-hidden border-indigo-100 sm:flex-col">
        <Screenshot jobId={job.jobId} stamp={job.screenshotAt ?? null} url={url} inputId={inputId} />
        <div className="flex min-w-0 flex-1 flex-col gap-2 p-3">
          <div className="flex items-center justify-between gap-2">
            <span className="min-w-0 truncate font-mono text-xs text-slate-700" title={inputId}>
              <span className="sr-only">Input </span>
              {inputId}
            </span>
            {leaving ? (
              <Badge tone="success">Done</Badge>
            ) : starting ? (
              <Badge tone="neutral">
                <Loader2 className="h-3 w-3 motion-safe:animate-spin" aria-hidden="true" />
                Starting…
              </Badge>
            ) : (
              <Badge tone="info">Running</Badge>
            )}
          </div>
          <p className="truncate text-sm font-medium text-slate-900" title={url}>
            <span className="sr-only">Current page: </span>
            {url}
          </p>
          <p className="text-sm break-words text-slate-700" data-testid="agent-step">
            <span className="sr-only">Current step: </span>
            {job.currentStep || (starting ? "Starting…" : "Working…")}
          </p>
          {job.reason && (
            <p className="-mt-1 truncate text-xs text-slate-600" title={job.reason} data-testid="agent-reason">
              <span className="sr-only">Why: </span>
              {job.reason}
            </p>
          )}
          <div className="mt-auto pt-1">
            <Progress value={leaving ? 100 : job.progress} label={`Progress of input ${inputId}`} />
            <div className="mt-1 flex justify-between text-xs text-slate-600 tabular-nums">
              <span>{starting ? "Starting…" : `${Math.round(leaving ? 100 : job.progress)}% complete`}</span>
              <span>{elapsedSeconds}s elapsed</span>
            </div>
          </div>
        </div>
      </Card>
    </li>
  );
});

/**
 * The job's latest screenshot, fetched again each time the job reports a new one; a neutral placeholder
 * while it has none (no request at all then) or when the image cannot be loaded.
 */
function Screenshot({
  jobId,
  stamp,
  url,
  inputId,
}: {
  jobId: string;
  stamp: string | null;
  url: string;
  inputId: string;
}) {
  const src = stamp ? screenshotUrl(jobId, stamp) : null;
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const [loadedSrc, setLoadedSrc] = useState<string | null>(null);
  const failed = src !== null && failedSrc === src;
  const showImage = src !== null && !failed;
  return (
    <div className="relative w-24 shrink-0 overflow-hidden border-r border-slate-100 bg-slate-100 sm:aspect-[5/2] sm:w-full sm:border-r-0 sm:border-b">
      {(!showImage || !loadedSrc) && (
        <div
          className="absolute inset-0 flex flex-col items-center justify-center gap-1 text-slate-600"
          aria-hidden="true"
          data-testid="screenshot-placeholder"
        >
          <Globe className="h-5 w-5" />
          <span className="px-1 text-center text-xs">{showImage ? "Loading preview…" : "No screenshot yet"}</span>
        </div>
      )}
      {showImage && (
        // biome-ignore lint/performance/noImgElement: a live, uncached endpoint: next/image adds nothing here
        <img
          src={src}
          alt={`Latest screenshot of input ${inputId} at ${url}`}
          className={cn(
            "absolute inset-0 h-full w-full object-cover object-top",
            loadedSrc ? "opacity-100" : "opacity-0",
          )}
          decoding="async"
          onLoad={() => setLoadedSrc(src)}
          onError={() => setFailedSrc(src)}
        />
      )}
    </div>
  );
}
