"use client";

import { FlaskConical, Loader2, Lock, Play, Rocket } from "lucide-react";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { MAX_SPEND_CAP_USD, parseUsd } from "@/features/executions/lib/spend";
import { startExecution } from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { livePath } from "@/lib/client/paths";
import { FALLBACK_MAX_CONCURRENCY, useAppConfig } from "@/lib/client/use-app-config";
import type { Batch, ExecutionMode } from "@/lib/contract/resources";
import { plural } from "@/lib/format";
import { type ExecutionChoice, executionRequest, useEstimate } from "../hooks/use-batches";
import { describeBasis, describeEstimate, maxFromMessage, readConcurrency, wholeNumber } from "../lib/estimate";
import { ConcurrencyField } from "./concurrency-field";

export const DEFAULT_SAMPLE_SIZE = 5;
export const DEFAULT_CONCURRENCY = 5;
const ASKED_KEY = "fleetdeck:notifications-asked";

/** Asks once, at execute time, whether the browser may notify the user when a run finishes. */
function askNotificationPermissionOnce() {
  try {
    if (typeof Notification === "undefined" || Notification.permission !== "default") return;
    if (localStorage.getItem(ASKED_KEY)) return;
    localStorage.setItem(ASKED_KEY, new Date().toISOString());
    void Notification.requestPermission().catch(() => undefined);
  } catch {
    /* storage or notifications unavailable: nothing to ask */
  }
}

/**
 * "Execute Batch": the button and its dialog. Test run (a sample of rows) or Production (all rows), a concurrency,
 * the server's estimate in words refreshed as the choice changes, then Confirm starts the run and opens its live view.
 * With a `refusal` (the caller's role cannot start runs) the button is greyed and says why.
 */
export function ExecuteDialog({
  projectId,
  batch,
  onStarted,
  refusal = null,
}: {
  projectId: string;
  batch: Pick<Batch, "id" | "name" | "rowCount" | "agent">;
  onStarted?: () => void;
  refusal?: string | null;
}) {
  const router = useRouter();
  const refusalId = useId();
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<ExecutionMode>("test");
  const defaultSample = Math.max(1, Math.min(DEFAULT_SAMPLE_SIZE, batch.rowCount || DEFAULT_SAMPLE_SIZE));
  const [sampleText, setSampleText] = useState(String(defaultSample));
  const [concurrencyText, setConcurrencyText] = useState(String(DEFAULT_CONCURRENCY));
  const config = useAppConfig();
  // The server's own limit once known; a refusal naming another one (a limit changed since) overrides it.
  const [refusedMax, setRefusedMax] = useState<number | null>(null);
  const maxConcurrency = refusedMax ?? config?.maxConcurrency ?? FALLBACK_MAX_CONCURRENCY;
  const goalDriven = batch.agent?.engine === "agent";
  const agentStatus = goalDriven ? config?.engines.agent : undefined;
  const agentUnavailable = agentStatus?.available === false ? (agentStatus.message ?? "No model is configured.") : null;
  const [capText, setCapText] = useState("");
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const sending = useRef(false);

  const rows = batch.rowCount;
  const sample = wholeNumber(sampleText);
  const sampleError =
    mode !== "test"
      ? null
      : sample === null || sample < 1 || sample > rows
        ? `Sample size must be a whole number from 1 to ${rows.toLocaleString("en-US")}.`
        : null;
  const { concurrency, error: concurrencyError } = readConcurrency(concurrencyText, maxConcurrency);
  const cap = capText.trim() === "" ? null : parseUsd(capText);
  const capError =
    goalDriven && capText.trim() !== "" && cap === null
      ? `The spend cap must be an amount of dollars greater than 0, at most ${MAX_SPEND_CAP_USD.toLocaleString("en-US")}.`
      : null;
  const valid = !sampleError && !concurrencyError && !capError;
  const choice: ExecutionChoice | null = valid
    ? { mode, sampleSize: mode === "test" ? sample! : undefined, concurrency: concurrency! }
    : null;

  const {
    estimate,
    mode: estimateMode,
    error: estimateError,
    loading: estimating,
  } = useEstimate(batch.id, open ? choice : null);
  const serverMax = estimateError ? maxFromMessage(estimateError.message) : null;
  useEffect(() => {
    if (serverMax !== null) setRefusedMax(serverMax);
  }, [serverMax]);

  async function onConfirm(event: FormEvent) {
    event.preventDefault();
    if (sending.current || !choice || agentUnavailable) return;
    sending.current = true;
    setStarting(true);
    setSubmitError(null);
    try {
      const request = executionRequest(choice);
      if (goalDriven && cap !== null) request.maxCost = cap;
      const { execution } = await startExecution(batch.id, request);
      askNotificationPermissionOnce();
      onStarted?.();
      router.push(livePath({ projectId, batchId: batch.id, executionId: execution.id }));
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

  const modes: { value: ExecutionMode; label: string; detail: string; icon: typeof Play }[] = [
    { value: "test", label: "Test run", detail: "A few rows first, to check the setup.", icon: FlaskConical },
    { value: "production", label: "Production", detail: `All ${plural(rows, "row")} of the batch.`, icon: Rocket },
  ];

  return (
    <>
      <div className="flex flex-col gap-1 sm:items-end">
        <Button
          onClick={() => setOpen(true)}
          disabled={rows === 0 || refusal !== null}
          aria-describedby={refusal ? refusalId : undefined}
        >
          <Play className="h-4 w-4" aria-hidden="true" />
          Execute Batch
        </Button>
        {refusal && (
          <p id={refusalId} className="inline-flex items-center gap-1 text-xs text-slate-600">
            <Lock className="h-3 w-3" aria-hidden="true" />
            {refusal}
          </p>
        )}
      </div>
      <Dialog
        open={open && refusal === null}
        onOpenChange={(next) => {
          if (starting) return;
          setOpen(next);
        }}
        title="Execute batch"
        description={`Start agents on “${batch.name}”.`}
      >
        <form onSubmit={onConfirm} noValidate className="space-y-5">
          <fieldset disabled={starting}>
            <legend className="text-sm font-medium text-slate-700">Run</legend>
            <div className="mt-2 grid gap-3 sm:grid-cols-2">
              {modes.map((m) => {
                const Icon = m.icon;
                const checked = mode === m.value;
                return (
                  <label
                    key={m.value}
                    className={cn(
                      "flex cursor-pointer gap-3 rounded-lg border p-3 text-sm transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-600",
                      checked
                        ? "border-indigo-500 bg-indigo-50/50 ring-1 ring-indigo-500"
                        : "border-slate-300 hover:border-slate-400",
                    )}
                  >
                    <input
                      type="radio"
                      name="mode"
                      value={m.value}
                      checked={checked}
                      onChange={() => setMode(m.value)}
                      className="sr-only"
                    />
                    <Icon
                      className={cn("mt-0.5 h-4 w-4 shrink-0", checked ? "text-indigo-600" : "text-slate-500")}
                      aria-hidden="true"
                    />
                    <span>
                      <span className="block font-medium text-slate-900">{m.label}</span>
                      <span className="mt-0.5 block text-xs text-slate-600">{m.detail}</span>
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>

          <div className="grid gap-4 sm:grid-cols-2">
            {mode === "test" && (
              <TextField
                label="Sample size"
                type="number"
                inputMode="numeric"
                min={1}
                max={rows}
                step={1}
                value={sampleText}
                onChange={(e) => setSampleText(e.target.value)}
                error={sampleError}
                hint={`The first rows of the batch, 1 to ${rows.toLocaleString("en-US")}.`}
                disabled={starting}
              />
            )}
            <ConcurrencyField
              value={concurrencyText}
              onChange={setConcurrencyText}
              max={maxConcurrency}
              error={concurrencyError}
              disabled={starting}
            />
            {goalDriven && (
              <TextField
                label="Spend cap (USD)"
                name="maxCost"
                type="text"
                inputMode="decimal"
                value={capText}
                onChange={(e) => setCapText(e.target.value)}
                error={capError}
                hint="Optional. The run pauses itself when the model spend reaches it; you can raise it then."
                placeholder="No cap"
                autoComplete="off"
                disabled={starting}
              />
            )}
          </div>

          {agentUnavailable && (
            <Alert tone="warning" title="The goal-driven agent cannot run on this server">
              {agentUnavailable}
            </Alert>
          )}

          <div className="rounded-lg bg-slate-50 px-4 py-3 ring-1 ring-inset ring-slate-200">
            <p className="text-xs font-medium uppercase tracking-wide text-slate-600">Estimate</p>
            <p
              aria-live="polite"
              aria-atomic="true"
              data-testid="estimate"
              className={cn(
                "mt-1 min-h-6 text-base font-medium text-slate-900 transition-opacity",
                estimating && estimate ? "opacity-60" : undefined,
              )}
            >
              {!valid ? (
                <span className="text-sm font-normal text-slate-600">Fix the values above to see an estimate.</span>
              ) : estimate ? (
                describeEstimate(estimateMode ?? mode, estimate)
              ) : estimateError ? null : (
                <span className="inline-flex items-center gap-2 text-sm font-normal text-slate-600">
                  <Loader2 className="h-4 w-4 animate-spin" aria-hidden="true" />
                  Estimating…
                </span>
              )}
            </p>
            {valid && estimate?.basis && (
              <p className="mt-1 text-xs text-slate-600" data-testid="estimate-basis">
                {describeBasis(estimate.basis, goalDriven)}
              </p>
            )}
            {valid && estimateError && (
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
              The run did not start: {submitError}
            </p>
          )}

          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={starting}>
              Cancel
            </Button>
            <Button type="submit" loading={starting} disabled={!valid || agentUnavailable !== null}>
              {starting ? "Starting…" : mode === "test" ? "Start test run" : "Start production run"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
