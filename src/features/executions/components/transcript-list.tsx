import type { TranscriptStep } from "@/lib/contract/spend";

/** A goal-driven agent's transcript: per step what it saw, why it acted, what it did, what came of it, the tokens. */
export function TranscriptList({ steps }: { steps: readonly TranscriptStep[] }) {
  return (
    <ol className="space-y-3" data-testid="transcript">
      {steps.map((s) => (
        <li
          key={s.step}
          className="grid grid-cols-[3.5rem_minmax(0,1fr)] gap-3 border-b border-slate-100 pb-3 text-sm last:border-0 last:pb-0"
          data-testid="transcript-step"
        >
          <span className="font-mono text-xs font-medium text-slate-600">Step {s.step}</span>
          <dl className="grid min-w-0 grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-1">
            <dt className="text-xs font-medium text-slate-600">Saw</dt>
            <dd className="min-w-0 break-words text-slate-700">{s.observation}</dd>
            <dt className="text-xs font-medium text-slate-600">Reason</dt>
            <dd className="min-w-0 break-words text-slate-900">{s.reason || "—"}</dd>
            <dt className="text-xs font-medium text-slate-600">Action</dt>
            <dd className="min-w-0 break-words">
              <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-900">{s.action}</code>
            </dd>
            <dt className="text-xs font-medium text-slate-600">Result</dt>
            <dd className="min-w-0 break-words text-slate-700">{s.result}</dd>
            <dt className="text-xs font-medium text-slate-600">Tokens</dt>
            <dd className="tabular-nums text-slate-700">
              {s.inputTokens.toLocaleString("en-US")} in · {s.outputTokens.toLocaleString("en-US")} out
            </dd>
          </dl>
        </li>
      ))}
    </ol>
  );
}
