"use client";

import { Gauge, Lock, Pause, Play, Square } from "lucide-react";
import { type FormEvent, useEffect, useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { steerRefusal } from "@/lib/client/permissions";
import { FALLBACK_MAX_CONCURRENCY, useAppConfig } from "@/lib/client/use-app-config";
import type { ProjectRole } from "@/lib/contract/auth";
import type { Execution } from "@/lib/contract/resources";
import { BUDGET_REACHED } from "@/lib/contract/spend";
import type { useExecutionControls } from "../hooks/use-execution-controls";
import { ResumeBudgetDialog } from "./resume-budget-dialog";

type Controls = ReturnType<typeof useExecutionControls>;

/**
 * Pause/Resume, the concurrency dial and Stop (with confirmation and an optional reason). A run paused at its spend
 * cap resumes through a dialog that raises or lifts the cap; a run the user paused resumes at once. A viewer sees
 * them greyed, with the reason beside them.
 */
export function ExecutionControls({
  execution,
  controls,
  spentUsd = 0,
  role,
}: {
  execution: Pick<Execution, "status" | "concurrency" | "pauseReason" | "maxCost">;
  controls: Controls;
  /** The model spend so far, for the spend-cap dialog. */
  spentUsd?: number;
  /** The caller's role on the project; null or absent while unknown. */
  role?: ProjectRole | null;
}) {
  const [stopOpen, setStopOpen] = useState(false);
  const [concurrencyOpen, setConcurrencyOpen] = useState(false);
  const [resumeOpen, setResumeOpen] = useState(false);
  const maxConcurrency = useAppConfig()?.maxConcurrency ?? FALLBACK_MAX_CONCURRENCY;
  const { status } = execution;
  const budgetPaused = status === "paused" && execution.pauseReason === BUDGET_REACHED;
  // Resumed elsewhere (another tab, a script): the question is answered, the dialog goes.
  useEffect(() => {
    if (!budgetPaused) setResumeOpen(false);
  }, [budgetPaused]);
  const refusal = steerRefusal(role);
  const reasonId = useId();
  const busy = controls.pending !== null || refusal !== null;
  const describedBy = refusal ? reasonId : undefined;
  const finished = status === "completed" || status === "stopped";

  if (finished) return null;

  return (
    <div className="flex flex-col items-stretch gap-2 sm:items-end">
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Execution controls">
        {refusal && (
          <p
            id={reasonId}
            className="inline-flex items-center gap-1.5 text-sm text-slate-600"
            data-testid="steer-refusal"
          >
            <Lock className="h-3.5 w-3.5" aria-hidden="true" />
            {refusal}
          </p>
        )}
        {status === "paused" ? (
          <Button
            size="sm"
            aria-describedby={describedBy}
            onClick={() => {
              if (!budgetPaused) return void controls.resume();
              controls.clearError();
              setResumeOpen(true);
            }}
            loading={controls.pending === "resume"}
            disabled={busy}
          >
            {controls.pending !== "resume" && <Play className="h-4 w-4" aria-hidden="true" />}
            Resume
          </Button>
        ) : (
          <Button
            size="sm"
            variant="secondary"
            aria-describedby={describedBy}
            onClick={() => void controls.pause()}
            loading={controls.pending === "pause"}
            disabled={busy || status !== "running"}
          >
            {controls.pending !== "pause" && <Pause className="h-4 w-4" aria-hidden="true" />}
            Pause
          </Button>
        )}
        <Button
          size="sm"
          variant="secondary"
          aria-describedby={describedBy}
          onClick={() => {
            controls.clearError();
            setConcurrencyOpen(true);
          }}
          loading={controls.pending === "adjust-concurrency"}
          disabled={busy || status === "stopping"}
          aria-label={`Concurrency: ${execution.concurrency} agents at once. Change`}
        >
          {controls.pending !== "adjust-concurrency" && <Gauge className="h-4 w-4" aria-hidden="true" />}
          {execution.concurrency}× agents
        </Button>
        <Button
          size="sm"
          variant="secondary"
          className="text-red-700 hover:bg-red-50"
          aria-describedby={describedBy}
          onClick={() => {
            controls.clearError();
            setStopOpen(true);
          }}
          loading={controls.pending === "stop" || status === "stopping"}
          disabled={busy || status === "stopping"}
        >
          {controls.pending !== "stop" && status !== "stopping" && <Square className="h-4 w-4" aria-hidden="true" />}
          {status === "stopping" ? "Stopping…" : "Stop"}
        </Button>
      </div>
      {controls.error && !stopOpen && !concurrencyOpen && !resumeOpen && (
        <Alert
          tone="danger"
          className="sm:max-w-md"
          action={
            <Button size="sm" variant="ghost" onClick={controls.clearError}>
              Dismiss
            </Button>
          }
        >
          {controls.error}
        </Alert>
      )}
      {stopOpen && <StopDialog controls={controls} onClose={() => setStopOpen(false)} />}
      {resumeOpen && budgetPaused && (
        <ResumeBudgetDialog
          capUsd={execution.maxCost}
          spentUsd={spentUsd}
          controls={controls}
          onClose={() => setResumeOpen(false)}
        />
      )}
      {concurrencyOpen && (
        <ConcurrencyDialog
          current={execution.concurrency}
          max={maxConcurrency}
          controls={controls}
          onClose={() => setConcurrencyOpen(false)}
        />
      )}
    </div>
  );
}

function StopDialog({ controls, onClose }: { controls: Controls; onClose: () => void }) {
  const [reason, setReason] = useState("");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (controls.pending) return;
    if (await controls.stop(reason)) onClose();
  };
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && !controls.pending && onClose()}
      title="Stop this execution?"
      description="Queued jobs are cancelled at once; jobs already running finish. This cannot be undone."
    >
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Reason (optional)"
          name="reason"
          value={reason}
          maxLength={500}
          onChange={(e) => setReason(e.target.value)}
          placeholder="e.g. wrong instructions"
          autoComplete="off"
        />
        {controls.error && <Alert tone="danger">{controls.error}</Alert>}
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onClose} disabled={controls.pending !== null}>
            Keep running
          </Button>
          <Button
            type="submit"
            variant="danger"
            loading={controls.pending === "stop"}
            disabled={controls.pending !== null}
          >
            {controls.pending === "stop" ? "Stopping…" : "Stop execution"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function ConcurrencyDialog({
  current,
  max,
  controls,
  onClose,
}: {
  current: number;
  max: number;
  controls: Controls;
  onClose: () => void;
}) {
  const [value, setValue] = useState(String(current));
  const [invalid, setInvalid] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (controls.pending) return;
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < 1 || n > max) {
      setInvalid(`Enter a whole number from 1 to ${max}.`);
      return;
    }
    setInvalid(null);
    if (n === current) return onClose(); // same value: nothing to change
    if (await controls.adjustConcurrency(n)) onClose();
  };
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && !controls.pending && onClose()}
      title="Adjust concurrency"
      description={`How many agents run at once (1-${max}). Raising it starts more jobs now; lowering it lets running jobs finish.`}
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        <TextField
          label="Agents at once"
          name="concurrency"
          type="number"
          inputMode="numeric"
          min={1}
          max={max}
          step={1}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setInvalid(null);
          }}
          error={invalid}
          hint="More agents finish sooner but use more resources."
          autoFocus
        />
        {controls.error && <Alert tone="danger">{controls.error}</Alert>}
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onClose} disabled={controls.pending !== null}>
            Cancel
          </Button>
          <Button
            type="submit"
            loading={controls.pending === "adjust-concurrency"}
            disabled={controls.pending !== null}
          >
            Apply
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
