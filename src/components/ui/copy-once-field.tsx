"use client";

import { Check, Copy } from "lucide-react";
import { type ReactNode, useId, useRef, useState } from "react";
import { Button } from "./button";

/**
 * A value shown once (an invite link, a signing secret: the server keeps only a hash or never shows it again): a
 * read-only box and a copy button. Where the page may not copy (plain http to another machine, a denied permission),
 * the text is selected for Ctrl+C instead, and the note under the box says so.
 */
export function CopyOnceField({
  label,
  value,
  copyLabel,
  what,
  hint,
}: {
  /** The box's accessible name ("Invite link"). */
  label: string;
  value: string;
  /** The button's words before copying ("Copy link"). */
  copyLabel: string;
  /** What is selected when copying is blocked ("the link"). */
  what: string;
  /** The note under the box until copying was blocked. */
  hint: ReactNode;
}) {
  const boxId = useId();
  const box = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "manual" | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      box.current?.select();
      setCopied("manual");
    }
  }

  return (
    <>
      <label htmlFor={boxId} className="sr-only">
        {label}
      </label>
      <div className="mt-2 flex flex-col gap-2 sm:flex-row">
        <input
          ref={box}
          id={boxId}
          readOnly
          value={value}
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
          {copied === "yes" ? "Copied" : copyLabel}
        </Button>
      </div>
      <p className="mt-2 text-xs" aria-live="polite">
        {copied === "manual"
          ? `This browser does not let the page copy: ${what} is selected, press Ctrl+C (⌘C on a Mac).`
          : hint}
      </p>
    </>
  );
}
