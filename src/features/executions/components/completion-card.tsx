import { CheckCircle2, Download, OctagonX, TableProperties } from "lucide-react";
import type { ReactNode } from "react";
import { ButtonLink } from "@/components/ui/button-link";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { exportUrl } from "@/lib/client/endpoints";
import type { ExecutionStatus } from "@/lib/contract/resources";
import type { JobCounts } from "@/lib/contract/stats";

export function completionSummary(status: ExecutionStatus, stats: JobCounts): { title: string; body: string } {
  const counts = `${stats.completed} completed, ${stats.failed} failed${stats.cancelled ? `, ${stats.cancelled} cancelled` : ""}`;
  return status === "stopped"
    ? { title: "Execution stopped", body: counts }
    : { title: "Execution complete", body: counts };
}

/** Shown when an execution has finished: what happened, the results, and the exports. It never navigates by itself. */
export function CompletionCard({
  executionId,
  status,
  stats,
  stopReason,
  resultsHref,
  actions,
}: {
  executionId: string;
  status: ExecutionStatus;
  stats: JobCounts;
  stopReason?: string | null;
  resultsHref?: string;
  /** What to do next besides results and exports (re-runs). */
  actions?: ReactNode;
}) {
  const { title, body } = completionSummary(status, stats);
  const stopped = status === "stopped";
  const Icon = stopped ? OctagonX : CheckCircle2;
  return (
    <Card
      role="status"
      data-testid="completion-card"
      className={cn(
        "flex flex-col items-center gap-4 px-6 py-8 text-center transition-[opacity,transform] duration-300 ease-out motion-reduce:transition-none starting:scale-95 starting:opacity-0 sm:flex-row sm:text-left",
        stopped ? "border-amber-200 bg-amber-50/60" : "border-emerald-200 bg-gradient-to-br from-emerald-50 to-white",
      )}
    >
      <span
        className={cn(
          "flex h-12 w-12 shrink-0 items-center justify-center rounded-full",
          stopped ? "bg-amber-100 text-amber-800" : "bg-emerald-100 text-emerald-700",
        )}
      >
        <Icon className="h-6 w-6" aria-hidden="true" />
      </span>
      <div className="min-w-0 flex-1">
        <h2 className="text-lg font-semibold text-slate-900">
          {title} — {body}
        </h2>
        {stopped && stopReason && <p className="mt-1 text-sm break-words text-slate-700">Reason: {stopReason}</p>}
      </div>
      <div className="flex flex-wrap justify-center gap-2">
        {resultsHref && (
          <ButtonLink href={resultsHref} size="sm">
            <TableProperties className="h-4 w-4" aria-hidden="true" />
            View results
          </ButtonLink>
        )}
        {actions}
        <ExportLinks executionId={executionId} />
      </div>
    </Card>
  );
}

const linkClass =
  "inline-flex h-8 items-center justify-center gap-2 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-500";

/** Plain download links (not client navigations): the server answers with an attachment. */
export function ExportLinks({ executionId }: { executionId: string }) {
  return (
    <>
      <a href={exportUrl(executionId, "csv")} download className={linkClass}>
        <Download className="h-4 w-4" aria-hidden="true" />
        Export CSV
      </a>
      <a href={exportUrl(executionId, "json")} download className={linkClass}>
        <Download className="h-4 w-4" aria-hidden="true" />
        Export JSON
      </a>
      <a href={exportUrl(executionId, "xlsx")} download className={linkClass}>
        <Download className="h-4 w-4" aria-hidden="true" />
        Export XLSX
      </a>
    </>
  );
}
