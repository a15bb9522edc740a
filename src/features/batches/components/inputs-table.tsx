"use client";

import { ChevronLeft, ChevronRight } from "lucide-react";
import { useRef } from "react";
import { LoadError } from "@/components/app/load-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { LoadingBlock } from "@/components/ui/skeleton";
import { Table, TBody, TD, TH, THead } from "@/components/ui/table";
import type { Batch, Input } from "@/lib/contract/resources";
import { useInputsPage } from "../hooks/use-batches";

/** The batch's input rows, a page at a time (cursor-based Next / Previous). */
export function InputsTable({ batch }: { batch: Batch }) {
  const inputs = useInputsPage(batch.id);
  const lastData = useRef<{ inputs: Input[] } | null>(null);
  if (inputs.data) lastData.current = inputs.data;
  const shown = inputs.data ?? lastData.current;
  const extraColumns = batch.columns.filter(
    (c) => c !== batch.urlColumn && c !== batch.goalColumn && c !== batch.idColumn,
  );
  const first = inputs.page * inputs.pageSize + 1;
  const last = inputs.page * inputs.pageSize + (shown?.inputs.length ?? 0);

  if (inputs.error && !shown) {
    return <LoadError title="Could not load the inputs" message={inputs.error.message} onRetry={inputs.reload} />;
  }
  if (!shown) return <LoadingBlock label="Loading inputs…" lines={4} />;

  return (
    <div className="space-y-3" aria-busy={inputs.loading || undefined}>
      {inputs.error && <Alert tone="danger">{inputs.error.message}</Alert>}
      <Table label="Inputs of this batch" className={inputs.loading ? "opacity-60 transition-opacity" : undefined}>
        <THead>
          <tr>
            <TH className="w-12 text-right">Row</TH>
            <TH>ID</TH>
            <TH>URL</TH>
            {batch.goalColumn && <TH>Goal</TH>}
            {extraColumns.map((c) => (
              <TH key={c}>{c}</TH>
            ))}
          </tr>
        </THead>
        <TBody>
          {shown.inputs.length === 0 ? (
            <tr>
              <TD
                colSpan={3 + (batch.goalColumn ? 1 : 0) + extraColumns.length}
                className="py-6 text-center text-slate-600"
              >
                This batch has no inputs.
              </TD>
            </tr>
          ) : (
            shown.inputs.map((input) => (
              <tr key={input.id} className="hover:bg-slate-50">
                <TD className="text-right tabular-nums text-slate-600">{input.rowIndex}</TD>
                <TD className="whitespace-nowrap font-medium">{input.inputId}</TD>
                <TD>
                  <span className="block max-w-[22rem] truncate text-slate-800" title={input.siteUrl}>
                    {input.siteUrl}
                  </span>
                </TD>
                {batch.goalColumn && (
                  <TD>
                    <span className="block max-w-[22rem] truncate" title={input.goal ?? undefined}>
                      {input.goal || <span className="text-slate-500 italic">none</span>}
                    </span>
                  </TD>
                )}
                {extraColumns.map((c) => (
                  <TD key={c}>
                    <span className="block max-w-[14rem] truncate" title={input.data?.[c] ?? undefined}>
                      {input.data?.[c] ?? ""}
                    </span>
                  </TD>
                ))}
              </tr>
            ))
          )}
        </TBody>
      </Table>
      <nav aria-label="Inputs pages" className="flex flex-col items-center justify-between gap-3 sm:flex-row">
        <p className="text-sm text-slate-600" aria-live="polite">
          {shown.inputs.length > 0 ? (
            <>
              Rows {first.toLocaleString("en-US")}–{last.toLocaleString("en-US")} of{" "}
              {batch.rowCount.toLocaleString("en-US")}
            </>
          ) : (
            "No rows"
          )}
        </p>
        <div className="flex gap-2">
          <Button
            variant="secondary"
            size="sm"
            onClick={inputs.previous}
            disabled={!inputs.hasPrevious || inputs.loading}
          >
            <ChevronLeft className="h-4 w-4" aria-hidden="true" />
            Previous
          </Button>
          <Button variant="secondary" size="sm" onClick={inputs.next} disabled={!inputs.hasNext || inputs.loading}>
            Next
            <ChevronRight className="h-4 w-4" aria-hidden="true" />
          </Button>
        </div>
      </nav>
    </div>
  );
}
