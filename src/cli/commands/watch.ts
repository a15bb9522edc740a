import { render } from "ink";
import { createElement } from "react";
import { initialState } from "@/lib/client/execution-state";
import type { CliContext } from "../context";
import { EXIT, type ExitCode } from "../exit-codes";
import { follow, loadSnapshot } from "../live/follow";
import { headerLine, ndjsonLines, plainLines, snapshotJson, summaryJson } from "../live/plain";
import { LiveStore } from "../live/store";
import { type FailureAllowance, runExitCode, summaryLine } from "../live/summary";
import { type LiveControls, LiveExecutionView } from "../live/view";

/**
 * Follows one execution to its end and answers the exit code: the live view on a terminal, plain lines on a pipe,
 * NDJSON with --json. Quitting the view (q) leaves the run going.
 */
export async function watchExecution(
  ctx: CliContext,
  executionId: string,
  allowance: FailureAllowance,
): Promise<ExitCode> {
  const snapshot = await loadSnapshot(ctx.client, executionId);
  if (ctx.json) {
    ctx.out(snapshotJson(initialState(snapshot)));
    const state = await follow(ctx.client, snapshot, ndjsonLines(ctx.out)).ended;
    const code = runExitCode(state, allowance);
    ctx.out(summaryJson(state, code));
    return code;
  }
  if (!ctx.tty) {
    ctx.out(headerLine(initialState(snapshot)));
    const following = follow(
      ctx.client,
      snapshot,
      plainLines(ctx.out, () => following.state.stats.queued),
    );
    const state = await following.ended;
    ctx.out(summaryLine(state));
    return runExitCode(state, allowance);
  }
  return liveView(ctx, snapshot, allowance);
}

type Snapshot = Awaited<ReturnType<typeof loadSnapshot>>;

async function liveView(ctx: CliContext, snapshot: Snapshot, allowance: FailureAllowance): Promise<ExitCode> {
  const id = snapshot.execution.id;
  let store: LiveStore | null = null;
  const following = follow(ctx.client, snapshot, {
    onEvent: (...args) => store?.listener.onEvent?.(...args),
    onStatus: (status) => store?.listener.onStatus?.(status),
    onWorkers: (live) => store?.listener.onWorkers?.(live),
    onAccessEnded: () => store?.listener.onAccessEnded?.(),
  });
  store = new LiveStore(following.state);

  let leave: (code: ExitCode) => void = () => {};
  const left = new Promise<ExitCode>((resolve) => {
    leave = resolve;
  });
  const { client } = ctx;
  const controls: LiveControls = {
    pause: async () => (await client.pauseExecution(id)).message,
    resume: async () => (await client.resumeExecution(id)).message,
    stop: async (reason) => (await client.stopExecution(id, reason ? { reason } : {})).message,
    setConcurrency: async (n) => (await client.adjustConcurrency(id, n)).message,
    quit: () => leave(EXIT.ok),
    interrupt: () => leave(EXIT.interrupted),
  };
  // A pseudo-terminal without a size (script, some CI runners) reports 0 columns, and ink would wrap every character.
  if (!process.stdout.columns) process.stdout.columns = 80;
  const app = render(createElement(LiveExecutionView, { store, controls }), { exitOnCtrlC: false });
  const outcome = await Promise.race([
    following.ended.then((state) => ({ ended: state }) as const),
    left.then((code) => ({ left: code }) as const),
  ]).catch((error: unknown) => ({ error }) as const);
  following.stop();
  app.unmount();
  await app.waitUntilExit();
  if ("error" in outcome) throw outcome.error;
  if ("left" in outcome) {
    ctx.note(`Left the view; execution ${id} goes on. Watch it again: fleetdeck watch ${id}`);
    return outcome.left;
  }
  return runExitCode(outcome.ended, allowance);
}
