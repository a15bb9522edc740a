"use client";

import { Check, Copy } from "lucide-react";
import { useId, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { ShownSecret } from "../hooks/use-webhooks";

/** A webhook's signing secret, shown once (created or rotated): a read-only box and a copy button. */
export function SecretBox({ shown, onDone }: { shown: ShownSecret; onDone: () => void }) {
  const boxId = useId();
  const box = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "manual" | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(shown.secret);
      setCopied("yes");
    } catch {
      box.current?.select();
      setCopied("manual");
    }
  }

  return (
    <div data-testid="webhook-secret">
      <Alert
        tone="success"
        title={`The signing secret of ${shown.url}`}
        action={
          <Button size="sm" variant="ghost" onClick={onDone}>
            Done
          </Button>
        }
      >
        <label htmlFor={boxId} className="sr-only">
          Signing secret
        </label>
        <div className="mt-2 flex flex-col gap-2 sm:flex-row">
          <input
            ref={box}
            id={boxId}
            readOnly
            value={shown.secret}
            onFocus={(e) => e.currentTarget.select()}
            className="block w-full min-w-0 rounded-md border border-emerald-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 focus:outline-none focus:ring-2 focus:ring-emerald-500/40"
          />
          <Button
            size="sm"
            variant="secondary"
            onClick={() => void copy()}
            className="shrink-0 self-start sm:self-center"
          >
            {copied === "yes" ? (
              <Check className="h-4 w-4" aria-hidden="true" />
            ) : (
              <Copy className="h-4 w-4" aria-hidden="true" />
            )}
            {copied === "yes" ? "Copied" : "Copy secret"}
          </Button>
        </div>
        <p className="mt-2 text-xs" aria-live="polite">
          {copied === "manual"
            ? "This browser does not let the page copy: the secret is selected, press Ctrl+C (⌘C on a Mac)."
            : "It is not shown again: copy it now. Your receiver checks each delivery's fleetdeck-signature with it."}
        </p>
      </Alert>
    </div>
  );
}
