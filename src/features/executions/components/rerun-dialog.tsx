"use client";

import { Loader2, RotateCcw } from "lucide-react";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { ConcurrencyField } from "@/features/batches/components/concurrency-field";
import { useEstimate } from "@/features/batches/hooks/use-batches";
import { maxFromMessage, readConcurrency } from "@/features/batches/lib/estimate";
import { rerunExecution } from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { livePath } from "@/lib/client/paths";
import { FALLBACK_MAX_CONCURRENCY, useAppConfig } from "@/lib/client/use-app-config";
import type { RerunSelect } from "@/lib/contract/reruns";
import { plural } from "@/lib/format";
import { describeRerunEstimate, selectionWords } from "../lib/rerun";

const DEFAULT_CONCURRENCY = 5;

/**
 * A "Re-run … (N)" button and its confirm step: the execute dialog's concurrency and estimate for the N rows, then
 * Confirm starts a production run of just those rows, linked to this execution, and opens its live view.
 */
export function RerunButton({
  projectId,
  batchId,
  executionId,
  select,
  rows,
  label,
  variant = "secondary",
}: {
  projectId: string;
  batchId: string;
  executionId: string;
  select: RerunSelect;
  /** How many rows the selection takes. */
  rows: number;
  label: string;
  variant?: "primary" | "secondary";
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [concurrencyText, setConcurrencyText] = useState(String(DEFAULT_CONCURRENCY));
  const config = useAppConfig();
  const [refusedMax, setRefusedMax] = useState<number | null>(null);
  const maxConcurrency = refusedMax ?? config?.maxConcurrency ?? FALLBACK_MAX_CONCURRENCY;
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const sending = useRef(false);

  const { concurrency, error: concurrencyError } = readConcurrency(concurrencyText, maxConcurrency);
  // The batch's estimate for a run of exactly `rows` rows: a test run of that many is that.
  const choice = concurrencyError ? null : { mode: "test" as const, sampleSize: rows, concurrency: concurrency! };
  const { estimate, error: estimateError, loading: estimating } = useEstimate(batchId, open ? choice : null);
  const serverMax = estimateError ? maxFromMessage(estimateError.message) : null;
  useEffect(() => {
    if (serverMax !== null) setRefusedMax(serverMax);
  }, [serverMax]);

  async function onConfirm(event: FormEvent) {
    event.preventDefault();
    if (sending.current || concurrencyError) return;
    sending.current = true;
    setStarting(true);
    setSubmitError(null);
    try {
      const { execution } = await rerunExecution(executionId, { select, concurrency: concurrency! });
      router.push(livePath({ projectId, batchId, executionId: execution.id }));
      // Stays "starting" until the live view replaces this page: a second click cannot start a second run.
    } catch (e) {
      const error = toApiError(e);
      const max = maxFromMessage(error.message);
      if (max !== null) setRefusedMax(max);
      setSubmitError(error.message);
      sending.current = false;
      setStarting(false);
    }
  }

  return (
    <>
      <Button variant={variant} size="sm" onClick={() => setOpen(true)} data-testid="rerun-button">
        <RotateCcw className="h-4 w-4" aria-hidden="true" />
        {label}
      </Button>
      <Dialog
        open={open}
        onOpenChange={(next) => {
          if (starting) return;
          setOpen(next);
        }}
        title={`Re-run ${selectionWords(select)}`}
        description={`${plural(rows, "row")} of this run, in a new production run linked to it. The batch's current agent config runs.`}
      >
        <form onSubmit={onConfirm} noValidate className="space-y-5">
          <ConcurrencyField
            value={concurrencyText}
            onChange={setConcurrencyText}
            max={maxConcurrency}
            error={concurrencyError}
            disabled={starting}
          />
          <div className="rounded-lg bg-slate-50 px-4 py-3 ring-1 ring-inset ring-slate-200">
            <p className="text-xs font-medium uppercase tracking-wide text-slate-600">Estimate</p>
            <p
              aria-live="polite"
              aria-atomic="true"
              data-testid="rerun-estimate"
              className={cn(
                "mt-1 min-h-6 text-base font-medium text-slate-900 transition-opacity",
                estimating && estimate ? "opacity-60" : undefined,
              )}
            >
              {concurrencyError ? (
                <span className="text-sm font-normal text-slate-600">Fix the concurrency to see an estimate.</span>
              ) : estimate ? (
                describeRerunEstimate(estimate)
              ) : estimateError ? null : (
                <span className="inline-flex items-center gap-2 text-sm font-normal text-slate-600">
                  <Loader2 className="h-4 w-4 animate-spin" aria-hidden="true" />
                  Estimating…
                </span>
              )}
            </p>
            {!concurrencyError && estimateError && (
              <p role="alert" className="mt-1 text-sm text-red-700">
                No estimate: {estimateError.message}
              </p>
            )}
          </div>
          {submitError && (
            <p
              role="alert"
              className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-inset ring-red-200"
            >
              The re-run did not start: {submitError}
            </p>
          )}
          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={starting}>
              Cancel
            </Button>
            <Button type="submit" loading={starting} disabled={concurrencyError !== null}>
              {starting ? "Starting…" : `Re-run ${plural(rows, "row")}`}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
