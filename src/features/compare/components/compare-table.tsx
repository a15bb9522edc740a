import { ArrowRight } from "lucide-react";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead } from "@/components/ui/table";
import type { CompareRow, FieldChange } from "@/lib/contract/compare";
import type { JobStatus } from "@/lib/contract/resources";
import { formatValue } from "@/lib/format";
import { jobStatusLabel, jobStatusTone } from "../../executions/components/status-labels";

/** One line per input: its id and page, status A → B, and each field that differs (before → after). */
export function CompareTable({
  rows,
  jobHref,
}: {
  rows: CompareRow[];
  /** The job page of a side's job ("a" or "b"). */
  jobHref: (side: "a" | "b", jobId: string) => string;
}) {
  return (
    <Table label="Inputs that differ">
      <THead>
        <tr>
          <TH className="w-[28%]">Input</TH>
          <TH className="w-[22%]">Status A → B</TH>
          <TH>Changes</TH>
        </tr>
      </THead>
      <TBody>
        {rows.map((row) => (
          <tr key={row.batchInputId} data-testid="compare-row" data-input-id={row.inputId}>
            <TD className="max-w-0">
              <div className="font-medium text-slate-900">{row.inputId}</div>
              <div className="truncate text-xs text-slate-500" title={row.siteUrl}>
                {row.siteUrl}
              </div>
            </TD>
            <TD>
              <div className="flex flex-wrap items-center gap-1.5">
                <SideStatus side="a" row={row} jobHref={jobHref} />
                <ArrowRight className="h-3.5 w-3.5 text-slate-400" aria-label="then" />
                <SideStatus side="b" row={row} jobHref={jobHref} />
              </div>
              {row.b?.errorMessage && row.statusChanged && (
                <div className="mt-1 line-clamp-2 text-xs text-red-700" title={row.b.errorMessage}>
                  {row.b.errorMessage}
                </div>
              )}
            </TD>
            <TD>
              {row.fields.length === 0 ? (
                <span className="text-slate-500">
                  {row.presence === "onlyA"
                    ? "Only run in A"
                    : row.presence === "onlyB"
                      ? "Only run in B"
                      : row.statusChanged
                        ? "No field changed"
                        : "The same"}
                </span>
              ) : (
                <ul className="space-y-1">
                  {row.fields.map((f) => (
                    <FieldChangeLine key={f.name} change={f} />
                  ))}
                </ul>
              )}
            </TD>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}

function SideStatus({
  side,
  row,
  jobHref,
}: {
  side: "a" | "b";
  row: CompareRow;
  jobHref: (side: "a" | "b", jobId: string) => string;
}) {
  const job = row[side];
  if (!job) return <span className="text-xs text-slate-500">not run</span>;
  const status: JobStatus = job.status;
  return (
    <Link href={jobHref(side, job.jobId)} className="rounded focus-visible:outline-2 focus-visible:outline-indigo-600">
      <Badge tone={jobStatusTone[status]}>{jobStatusLabel[status]}</Badge>
    </Link>
  );
}

const CHANGE_BADGES: Record<FieldChange["change"], { label: string; tone: "success" | "danger" | "info" }> = {
  added: { label: "added", tone: "success" },
  removed: { label: "removed", tone: "danger" },
  changed: { label: "changed", tone: "info" },
};

function FieldChangeLine({ change }: { change: FieldChange }) {
  const badge = CHANGE_BADGES[change.change];
  return (
    <li className="flex min-w-0 flex-wrap items-baseline gap-x-2 gap-y-0.5" data-field={change.name}>
      <span className="font-medium text-slate-900">{change.name}</span>
      <Badge tone={badge.tone}>{badge.label}</Badge>
      {change.change !== "added" && <Value value={change.before} className="text-slate-500 line-through" />}
      {change.change === "changed" && <ArrowRight className="h-3 w-3 self-center text-slate-400" aria-label="to" />}
      {change.change !== "removed" && <Value value={change.after} className="text-slate-900" />}
    </li>
  );
}

/** A value as JSON when it is not a string, so `1` and `"1"` look different; long ones cut, whole on hover. */
function Value({ value, className }: { value: unknown; className: string }) {
  const text = typeof value === "string" ? `"${value}"` : value === null ? "null" : formatValue(value);
  return (
    <code className={`max-w-full truncate break-all font-mono text-xs ${className}`} title={text}>
      {text.length > 120 ? `${text.slice(0, 119)}…` : text}
    </code>
  );
}
