"use client";

import { Check, Copy } from "lucide-react";
import { useId, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/**
 * An invite's one-time link, shown once (the server keeps only its hash): a read-only box to copy it from, and where
 * copying is not allowed (a page served over plain http to another machine), the text selected for Ctrl+C.
 */
export function InviteLink({ email, url, onDone }: { email: string | null; url: string; onDone: () => void }) {
  const boxId = useId();
  const box = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "manual" | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied("yes");
    } catch {
      box.current?.select();
      setCopied("manual");
    }
  }

  return (
    <div data-testid="invite-link">
      <Alert
        tone="success"
        title={`Send this link to ${email ?? "the person you invite"}; it works once, for 7 days`}
        action={
          <Button size="sm" variant="ghost" onClick={onDone}>
            Done
          </Button>
        }
      >
        <label htmlFor={boxId} className="sr-only">
          Invite link
        </label>
        <div className="mt-2 flex flex-col gap-2 sm:flex-row">
          <input
            ref={box}
            id={boxId}
            readOnly
            value={url}
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
            {copied === "yes" ? "Copied" : "Copy link"}
          </Button>
        </div>
        <p className="mt-2 text-xs" aria-live="polite">
          {copied === "manual"
            ? "This browser does not let the page copy: the link is selected, press Ctrl+C (⌘C on a Mac)."
            : "It is not shown again: copy it now. Opening it, they choose a name and password and join this project."}
        </p>
      </Alert>
    </div>
  );
}
