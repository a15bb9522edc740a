import { Box, Text, useInput } from "ink";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { ExecutionState, RunningJob } from "@/lib/client/execution-state";
import { formatDurationCompact, formatJobDuration, formatSpend } from "@/lib/format";
import { messageOf } from "../exit-codes";
import type { LiveStore, LiveView } from "./store";
import { progressOf, summaryLine } from "./summary";

/**
 * `fleetdeck watch` on a terminal: progress bar, counts, success rate, ETA, the running agents' URL and step, spend,
 * the latest finished jobs; keys drive the controls and a status line says how each went.
 */

export interface LiveControls {
  /** Each answers the server's message, or throws its error (shown on the status line). */
  pause(): Promise<string>;
  resume(): Promise<string>;
  stop(reason: string): Promise<string>;
  setConcurrency(concurrency: number): Promise<string>;
  /** Leave the view; the run goes on. */
  quit(): void;
  /** Ctrl-C. */
  interrupt(): void;
}

const BAR_WIDTH = 40;
const MAX_RUNNING_SHOWN = 8;
const MAX_FINISHED_SHOWN = 5;

export function progressBar(fraction: number, width = BAR_WIDTH): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}

function useClock(ms: number) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

function statusColor(status: string): string {
  if (status === "running") return "green";
  if (status === "paused") return "yellow";
  if (status === "completed") return "cyan";
  return "red";
}

function connection(view: LiveView): { text: string; color: string } {
  if (view.accessEnded) return { text: "access ended", color: "red" };
  if (view.state.execution.completedAt) return { text: "finished", color: "gray" };
  if (view.stream.degraded) return { text: `server degraded: ${view.stream.degraded}`, color: "yellow" };
  if (view.stream.connected) return { text: "live", color: "green" };
  return { text: view.stream.error ? `reconnecting (${view.stream.error})` : "connecting…", color: "yellow" };
}

function Header({ view }: { view: LiveView }) {
  const { execution } = view.state;
  const link = connection(view);
  return (
    <Text>
      <Text bold>fleetdeck</Text> · {execution.id} ·{" "}
      <Text color={statusColor(execution.status)}>{execution.status}</Text>
      {execution.mode === "test" ? " (test)" : ""} · concurrency {execution.concurrency} ·{" "}
      <Text color={link.color}>{link.text}</Text>
    </Text>
  );
}

function Counts({ state, now }: { state: ExecutionState; now: number }) {
  const p = progressOf(state, now);
  const { stats, execution } = state;
  const spend = execution.spend.costUsd > 0 || execution.maxCost !== null;
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan">{progressBar(p.fraction)}</Text> {Math.floor(p.fraction * 100)}% {p.done}/{p.total}
      </Text>
      <Text>
        <Text color="green">done {stats.completed}</Text> · running {stats.running} · queued {stats.queued} ·{" "}
        <Text color={stats.failed ? "red" : undefined}>failed {stats.failed}</Text>
        {stats.cancelled ? ` · cancelled ${stats.cancelled}` : ""}
      </Text>
      <Text>
        success {p.successRate.toFixed(1)}% · elapsed {formatDurationCompact(p.elapsedMs)} · {p.eta}
        {spend
          ? ` · spend ${formatSpend(execution.spend.costUsd)}${execution.maxCost !== null ? ` of ${formatSpend(execution.maxCost)}` : ""}`
          : ""}
      </Text>
    </Box>
  );
}

function RunningJobs({ jobs }: { jobs: RunningJob[] }) {
  if (jobs.length === 0) return null;
  const shown = jobs.slice(0, MAX_RUNNING_SHOWN);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>Running agents</Text>
      {shown.map((job) => (
        <Text key={job.jobId} wrap="truncate-end">
          {`  ${String(Math.round(job.progress)).padStart(3)}% `}
          {job.currentUrl ?? job.siteUrl ?? job.inputId ?? job.jobId}
          <Text color="gray">{job.currentStep ? `  ${job.currentStep}` : ""}</Text>
          {job.usage ? <Text color="gray">{`  ${formatSpend(job.usage.costUsd)}`}</Text> : null}
        </Text>
      ))}
      {jobs.length > shown.length ? <Text color="gray">{`  …and ${jobs.length - shown.length} more`}</Text> : null}
    </Box>
  );
}

function Finished({ state }: { state: ExecutionState }) {
  const jobs = state.completedJobs.slice(0, MAX_FINISHED_SHOWN);
  if (jobs.length === 0) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>Latest finished</Text>
      {jobs.map((job) => (
        <Text key={job.jobId} wrap="truncate-end">
          {job.status === "completed" ? <Text color="green">{"  ok    "}</Text> : <Text color="red">{"  fail  "}</Text>}
          {job.siteUrl ?? job.inputId ?? job.jobId}
          <Text color="gray">
            {job.status === "failed" && job.error ? `  ${job.error}` : `  ${formatJobDuration(job.durationMs)}`}
          </Text>
        </Text>
      ))}
    </Box>
  );
}

type Mode = { kind: "keys" } | { kind: "reason"; text: string };

export function LiveExecutionView({ store, controls }: { store: LiveStore; controls: LiveControls }) {
  const view = useSyncExternalStore(store.subscribe, store.get);
  const now = useClock(1000);
  // Keys may come faster than renders (a pasted reason): the mode lives in a ref, the state only redraws.
  const modeRef = useRef<Mode>({ kind: "keys" });
  const [mode, setModeState] = useState<Mode>(modeRef.current);
  const setMode = (next: Mode) => {
    modeRef.current = next;
    setModeState(next);
  };
  const [line, setLine] = useState<{ text: string; error: boolean } | null>(null);
  const { state } = view;
  const ended = state.execution.completedAt !== null;

  const act = (label: string, action: () => Promise<string>) => {
    setLine({ text: `${label}…`, error: false });
    action().then(
      (message) => setLine({ text: message, error: false }),
      (e: unknown) => setLine({ text: messageOf(e), error: true }),
    );
  };

  useInput((input, key) => {
    if (key.ctrl && input === "c") return controls.interrupt();
    const current = modeRef.current;
    if (current.kind === "reason") {
      if (key.escape) return setMode({ kind: "keys" });
      const newline = input.search(/[\r\n]/);
      if (key.return || newline >= 0) {
        const reason = current.text + (newline >= 0 ? input.slice(0, newline) : "");
        setMode({ kind: "keys" });
        return act("Stopping", () => controls.stop(reason.trim()));
      }
      if (key.backspace || key.delete) return setMode({ kind: "reason", text: current.text.slice(0, -1) });
      if (input && !key.ctrl && !key.meta) setMode({ kind: "reason", text: current.text + input });
      return;
    }
    if (input === "q") return controls.quit();
    if (ended) return;
    const concurrency = state.execution.concurrency;
    if (input === "p") act("Pausing", controls.pause);
    else if (input === "r") act("Resuming", controls.resume);
    else if (input === "s") setMode({ kind: "reason", text: "" });
    else if (input === "+" || input === "=") act("Raising concurrency", () => controls.setConcurrency(concurrency + 1));
    else if (input === "-" || input === "_") {
      if (concurrency <= 1) setLine({ text: "Concurrency is already at its minimum, 1", error: true });
      else act("Lowering concurrency", () => controls.setConcurrency(concurrency - 1));
    }
  });

  const running = Object.values(state.runningJobs).sort((a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? ""));
  const noWorker = view.liveWorkers === 0 && state.stats.queued > 0 && !ended;
  return (
    <Box flexDirection="column">
      <Header view={view} />
      <Counts state={state} now={now} />
      {noWorker ? <Text color="yellow">No worker is running — jobs will resume when one starts</Text> : null}
      {state.execution.pauseReason ? <Text color="yellow">Paused: {state.execution.pauseReason}</Text> : null}
      <RunningJobs jobs={running} />
      <Finished state={state} />
      <Box marginTop={1} flexDirection="column">
        {ended ? (
          <Text bold>{summaryLine(state)}</Text>
        ) : mode.kind === "reason" ? (
          <Text>
            Stop reason (Enter to stop, Esc to cancel): <Text color="cyan">{mode.text}</Text>
            <Text inverse> </Text>
          </Text>
        ) : (
          <Text color="gray">p pause · r resume · s stop · +/- concurrency · q quit (the run goes on)</Text>
        )}
        {line ? <Text color={line.error ? "red" : "green"}>{line.text}</Text> : null}
      </Box>
    </Box>
  );
}
