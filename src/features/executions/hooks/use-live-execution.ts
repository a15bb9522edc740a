"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { actorsOf, type ExecutionView } from "@/lib/client/execution-state";
import type { Execution } from "@/lib/contract/resources";
import { useExecutionControls } from "./use-execution-controls";
import { useExecutionStream } from "./use-execution-stream";

const FIRST_CONNECT_GRACE_MS = 4000;

/**
 * The live stream of an execution plus its controls. A control's answer is shown at once (its execution is
 * newer than the stream's until the matching event arrives), so the UI is right even while the socket is down.
 */
export function useLiveExecution(executionId: string) {
  const stream = useExecutionStream(executionId);
  const [answered, setAnswered] = useState<Execution | null>(null);
  const controls = useExecutionControls(
    executionId,
    useCallback((e: Execution) => setAnswered(e), []),
  );

  // "Connecting…" only for a first moment: a socket that cannot connect at all is shown as disconnected too.
  const everConnected = useRef(false);
  if (stream.connected) everConnected.current = true;
  const [waitedLong, setWaitedLong] = useState(false);
  const loaded = stream.state !== null;
  useEffect(() => {
    if (!loaded) return;
    const timer = setTimeout(() => setWaitedLong(true), FIRST_CONNECT_GRACE_MS);
    return () => clearTimeout(timer);
  }, [loaded]);

  const streamed = stream.state?.execution ?? null;
  const execution: ExecutionView | null = useMemo(() => {
    if (!streamed) return null;
    if (!answered || answered.id !== streamed.id || answered.lastEventSeq <= streamed.lastEventSeq) return streamed;
    return {
      ...streamed,
      status: answered.status,
      concurrency: answered.concurrency,
      pausedAt: answered.pausedAt,
      stoppedAt: answered.stoppedAt,
      completedAt: answered.completedAt,
      stopReason: answered.stopReason,
      spend: answered.spend,
      maxCost: answered.maxCost,
      pauseReason: answered.pauseReason,
      ...actorsOf(answered),
    };
  }, [streamed, answered]);

  return { ...stream, execution, controls, everConnected: everConnected.current || waitedLong };
}
