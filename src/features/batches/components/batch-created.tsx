"use client";

import { CheckCircle2, TriangleAlert } from "lucide-react";
import { useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { ButtonLink } from "@/components/ui/button-link";
import { Card, CardBody } from "@/components/ui/card";
import { batchPath } from "@/lib/client/paths";
import type { CreateBatchResult } from "@/lib/contract/responses";
import { plural } from "@/lib/format";

/** After the upload: how many rows became inputs, which rows were skipped and why, and where to go next. */
export function BatchCreated({
  projectId,
  result,
  onAnother,
}: {
  projectId: string;
  result: CreateBatchResult;
  onAnother: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const { batch, rowCount, invalidRows } = result;
  return (
    <Card>
      <CardBody className="space-y-5">
        <div className="flex gap-3">
          <CheckCircle2 className="mt-0.5 h-6 w-6 shrink-0 text-emerald-600" aria-hidden="true" />
          <div role="status">
            <h2 ref={heading} tabIndex={-1} className="text-lg font-semibold text-slate-900 focus:outline-none">
              Batch “{batch.name}” created
            </h2>
            <p className="mt-1 text-sm text-slate-700">
              <span className="font-semibold text-slate-900" data-testid="row-count">
                {plural(rowCount, "row")}
              </span>{" "}
              ready to run
              {invalidRows.length > 0 ? `, ${plural(invalidRows.length, "row")} skipped.` : "."}
            </p>
          </div>
        </div>

        {invalidRows.length > 0 && (
          <section aria-labelledby="invalid-rows-title" className="rounded-lg border border-amber-200 bg-amber-50 p-4">
            <h3 id="invalid-rows-title" className="flex items-center gap-2 text-sm font-semibold text-amber-950">
              <TriangleAlert className="h-4 w-4" aria-hidden="true" />
              Skipped rows
            </h3>
            <p className="mt-1 text-xs text-amber-900">
              These rows had no usable URL, so no job will be made for them. Row numbers count data rows from 1, after
              the header.
            </p>
            <ul
              className="mt-3 max-h-64 space-y-1 overflow-y-auto text-sm text-amber-950"
              aria-label="Skipped rows"
              tabIndex={invalidRows.length > 8 ? 0 : undefined}
            >
              {invalidRows.map((r) => (
                <li key={r.row} className="flex gap-2">
                  <span className="w-16 shrink-0 font-medium tabular-nums">Row {r.row}</span>
                  <span className="min-w-0 break-words">{r.reason}</span>
                </li>
              ))}
            </ul>
          </section>
        )}

        <div className="flex flex-col gap-3 sm:flex-row">
          <ButtonLink href={batchPath({ projectId, batchId: batch.id })}>Open batch</ButtonLink>
          <Button variant="secondary" onClick={onAnother}>
            Upload another CSV
          </Button>
        </div>
      </CardBody>
    </Card>
  );
}
