"use client";

import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { formatSpend } from "@/lib/format";
import type { useExecutionControls } from "../hooks/use-execution-controls";
import { parseUsd, suggestedCap } from "../lib/spend";

type Controls = ReturnType<typeof useExecutionControls>;

/**
 * Resuming a run that paused at its spend cap: raise the cap above what is spent, or lift it. The server has the last
 * word (running jobs may have spent more meanwhile): its refusal is shown here, in its words.
 */
export function ResumeBudgetDialog({
  capUsd,
  spentUsd,
  controls,
  onClose,
}: {
  capUsd: number | null;
  spentUsd: number;
  controls: Controls;
  onClose: () => void;
}) {
  const [value, setValue] = useState(() => suggestedCap(spentUsd, capUsd).toFixed(2));
  const [invalid, setInvalid] = useState<string | null>(null);
  const busy = controls.pending !== null;
  const spent = formatSpend(spentUsd);

  const send = async (maxCost: number | null) => {
    if (await controls.resume({ maxCost })) onClose();
  };
  const raise = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const cap = parseUsd(value);
    if (cap === null || cap <= spentUsd) {
      setInvalid(`Enter an amount of dollars greater than the ${spent} already spent.`);
      return;
    }
    setInvalid(null);
    await send(cap);
  };

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && !busy && onClose()}
      title="Raise the spend cap?"
      description={`The run paused itself at its ${capUsd !== null ? `${formatSpend(capUsd)} ` : ""}spend cap with ${spent} spent. Raise the cap to go on, or lift it.`}
    >
      <form onSubmit={raise} noValidate className="space-y-4">
        <TextField
          label="New spend cap (USD)"
          name="maxCost"
          type="text"
          inputMode="decimal"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setInvalid(null);
          }}
          error={invalid}
          hint={`More than the ${spent} spent. The run pauses again when it reaches it.`}
          autoComplete="off"
          autoFocus
        />
        {controls.error && <Alert tone="danger">{controls.error}</Alert>}
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant="secondary" onClick={() => void send(null)} disabled={busy}>
            Lift the cap and resume
          </Button>
          <Button type="submit" loading={controls.pending === "resume"} disabled={busy}>
            Raise and resume
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
