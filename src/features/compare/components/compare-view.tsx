"use client";

import { ArrowLeftRight, Download, GitCompareArrows } from "lucide-react";
import { Breadcrumbs } from "@/components/app/breadcrumbs";
import { PageHeader } from "@/components/app/page-header";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ButtonLink } from "@/components/ui/button-link";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { SelectField } from "@/components/ui/field";
import { LoadingBlock } from "@/components/ui/skeleton";
import { compareDownloadUrl, getExecution } from "@/lib/client/endpoints";
import {
  batchPath,
  comparePath,
  type ExecutionPathParams,
  jobPath,
  projectPath,
  projectsPath,
  resultsPath,
} from "@/lib/client/paths";
import { useApiResource } from "@/lib/client/use-api-resource";
import type { CompareChange } from "@/lib/contract/compare";
import type { Execution } from "@/lib/contract/resources";
import { formatDateTime, shortId } from "@/lib/format";
import { modeLabel } from "../../executions/components/status-labels";
import { useExecutionContext } from "../../executions/hooks/use-execution-context";
import { useComparison } from "../hooks/use-comparison";
import { comparedLine, summaryParts } from "../lib/summary";
import { CompareTable } from "./compare-table";

const CHANGE_FILTERS: { change: CompareChange; label: string }[] = [
  { change: "any", label: "Any change" },
  { change: "status", label: "Status changes" },
  { change: "fields", label: "Field changes" },
  { change: "missing", label: "Only in one" },
  { change: "all", label: "All inputs" },
];

/** Execution A (this page's) beside B (`otherId`), input by input: the counts in words, filters, pages, exports. */
export function CompareView({ projectId, batchId, executionId, otherId }: ExecutionPathParams & { otherId: string }) {
  const params = { projectId, batchId, executionId };
  const names = useExecutionContext(projectId, batchId);
  const a = useApiResource(`execution:${executionId}`, () => getExecution(executionId));
  const b = useApiResource(`execution:${otherId}`, () => getExecution(otherId));
  const comparison = useComparison(executionId, otherId);
  const { counts, filter } = comparison;
  const parts = counts ? summaryParts(counts) : [];
  const jobHref = (side: "a" | "b", jobId: string) =>
    jobPath({ ...params, executionId: side === "a" ? executionId : otherId }, jobId);
  const download = (format: "csv" | "json") => compareDownloadUrl(executionId, otherId, format, filter);

  return (
    <div className="space-y-6">
      <Breadcrumbs
        items={[
          { label: "Projects", href: projectsPath },
          { label: names.project ?? "Project", href: projectPath(projectId) },
          { label: names.batch ?? "Batch", href: batchPath(params) },
          { label: "Compare" },
        ]}
      />
      <PageHeader
        title={`Compare runs${names.batch ? ` of ${names.batch}` : ""}`}
        description={
          <span className="flex flex-col gap-0.5">
            <RunLabel side="A" execution={a.data?.execution ?? null} id={executionId} href={resultsPath(params)} />
            <RunLabel
              side="B"
              execution={b.data?.execution ?? null}
              id={otherId}
              href={resultsPath({ ...params, executionId: otherId })}
            />
          </span>
        }
        actions={
          <>
            <ButtonLink
              href={comparePath({ ...params, executionId: otherId }, executionId)}
              variant="secondary"
              size="sm"
            >
              <ArrowLeftRight className="h-4 w-4" aria-hidden="true" />
              Swap A and B
            </ButtonLink>
            {(["csv", "json"] as const).map((format) => (
              <a
                key={format}
                href={download(format)}
                download
                className="inline-flex h-8 items-center justify-center gap-2 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-500"
              >
                <Download className="h-4 w-4" aria-hidden="true" />
                Export {format.toUpperCase()}
              </a>
            ))}
          </>
        }
      />
      {comparison.error && !counts ? (
        <Alert tone="danger" title="Could not compare these runs">
          {comparison.error}
        </Alert>
      ) : !counts ? (
        <LoadingBlock label="Comparing the runs…" />
      ) : (
        <>
          <Card className="p-4" data-testid="compare-summary">
            <h2 className="sr-only">Summary</h2>
            <p className="text-lg font-semibold text-slate-900">{parts.length ? parts.join(", ") : "No differences"}</p>
            <p className="mt-1 text-sm text-slate-600">{comparedLine(counts)}</p>
            {counts.transitions.length > 0 && (
              <p className="mt-1 text-sm text-slate-600">
                Status changes:{" "}
                {counts.transitions.map((t) => `${t.count.toLocaleString("en-US")} ${t.from} → ${t.to}`).join(", ")}
              </p>
            )}
          </Card>
          <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
            <fieldset>
              <legend className="mb-1 text-sm font-medium text-slate-700">Show</legend>
              <div className="inline-flex flex-wrap overflow-hidden rounded-md border border-slate-300">
                {CHANGE_FILTERS.map(({ change, label }) => (
                  <button
                    key={change}
                    type="button"
                    aria-pressed={filter.change === change}
                    onClick={() => comparison.setChange(change)}
                    className={cn(
                      "h-8 border-r border-slate-300 px-3 text-sm last:border-r-0 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600",
                      filter.change === change
                        ? "bg-indigo-600 text-white"
                        : "bg-white text-slate-800 hover:bg-slate-50",
                    )}
                  >
                    {label}
                  </button>
                ))}
              </div>
            </fieldset>
            <SelectField
              label="Field"
              className="w-full sm:w-56"
              value={filter.field ?? ""}
              onChange={(event) => comparison.setField(event.target.value || null)}
            >
              <option value="">Every field</option>
              {counts.fields.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name} ({(f.added + f.removed + f.changed).toLocaleString("en-US")})
                </option>
              ))}
            </SelectField>
          </div>
          {comparison.error && (
            <Alert tone="danger" title="Could not load this page">
              {comparison.error}
            </Alert>
          )}
          {comparison.loading && comparison.rows.length === 0 ? (
            <LoadingBlock label="Loading the inputs…" />
          ) : comparison.rows.length === 0 ? (
            <EmptyState icon={GitCompareArrows} title="Nothing to show">
              No input matches this filter.
            </EmptyState>
          ) : (
            <CompareTable rows={comparison.rows} jobHref={jobHref} />
          )}
          <nav aria-label="Pages" className="flex items-center justify-between gap-2">
            <Button
              variant="secondary"
              size="sm"
              disabled={comparison.page === 1 || comparison.loading}
              onClick={comparison.previous}
            >
              Previous
            </Button>
            <span className="text-sm text-slate-600">Page {comparison.page}</span>
            <Button
              variant="secondary"
              size="sm"
              disabled={!comparison.hasNext || comparison.loading}
              onClick={comparison.next}
            >
              Next
            </Button>
          </nav>
        </>
      )}
    </div>
  );
}

function RunLabel({
  side,
  execution,
  id,
  href,
}: {
  side: "A" | "B";
  execution: Execution | null;
  id: string;
  href: string;
}) {
  return (
    <span>
      <span className="font-semibold text-slate-800">{side}:</span>{" "}
      <a href={href} className="text-indigo-700 underline-offset-2 hover:underline">
        {execution
          ? `${modeLabel[execution.mode]} of ${formatDateTime(execution.startedAt ?? execution.createdAt)}`
          : `Execution ${shortId(id)}`}
      </a>
      {execution && (
        <span className="text-slate-500">
          {" "}
          · {shortId(id)} · {execution.stats.completed} completed, {execution.stats.failed} failed
        </span>
      )}
    </span>
  );
}
