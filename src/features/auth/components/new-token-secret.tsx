"use client";

import { Check, Copy } from "lucide-react";
import { useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

/** A just-created token's secret, the only time it is ever shown, with a copy button. */
export function NewTokenSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);

  async function copy() {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // No clipboard (a page over plain http, a denied permission): the secret is selected for Ctrl+C instead.
      setCopied(false);
    }
  }

  return (
    <section
      aria-labelledby={`${inputId}-title`}
      className="space-y-3 rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-950"
    >
      <h3 id={`${inputId}-title`} className="font-medium">
        Token “{name}” created
      </h3>
      <p>Copy it now and keep it somewhere safe: you won&apos;t see it again.</p>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="min-w-0 flex-1">
          <label htmlFor={inputId} className="block text-xs font-medium text-emerald-900">
            New token
          </label>
          <input
            ref={input}
            id={inputId}
            data-testid="new-token-secret"
            readOnly
            value={secret}
            onFocus={(e) => e.currentTarget.select()}
            className="mt-1 block w-full rounded-md border border-emerald-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 focus:border-emerald-500 focus:outline-none focus:ring-2 focus:ring-emerald-500/30"
          />
        </div>
        <Button variant="secondary" onClick={() => void copy()}>
          {copied ? <Check className="h-4 w-4" aria-hidden="true" /> : <Copy className="h-4 w-4" aria-hidden="true" />}
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Done
        </Button>
      </div>
      <p role="status" className="text-xs">
        {copied === false ? "Copying is blocked here: the token is selected, press Ctrl+C (⌘C on a Mac)." : ""}
      </p>
      <p className="text-xs text-emerald-900">
        Send it as <code className="rounded bg-white/70 px-1">Authorization: Bearer &lt;token&gt;</code>.
      </p>
    </section>
  );
}
