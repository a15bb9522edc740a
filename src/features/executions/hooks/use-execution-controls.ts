"use client";

import { useCallback, useRef, useState } from "react";
import { ApiError } from "@/lib/client/api";
import {
  adjustConcurrency,
  pauseExecution,
  type ResumeRequest,
  resumeExecution,
  stopExecution,
} from "@/lib/client/endpoints";
import type { Execution } from "@/lib/contract/resources";
import type { ControlResponse } from "@/lib/contract/responses";

export type ControlAction = "pause" | "resume" | "stop" | "adjust-concurrency";

/**
 * The execution's controls. One action at a time: while one is in flight the others (and a second click)
 * are ignored, so nothing is ever sent twice. A failure keeps the API's message for the UI to show.
 */
export function useExecutionControls(executionId: string, onExecution?: (execution: Execution) => void) {
  const [pending, setPending] = useState<ControlAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const inFlight = useRef(false);
  const onExecutionRef = useRef(onExecution);
  onExecutionRef.current = onExecution;

  const run = useCallback(async (action: ControlAction, send: () => Promise<ControlResponse>): Promise<boolean> => {
    if (inFlight.current) return false;
    inFlight.current = true;
    setPending(action);
    setError(null);
    setMessage(null);
    try {
      const response = await send();
      if (response?.execution) onExecutionRef.current?.(response.execution);
      setMessage(response?.message ?? null);
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The action failed. Try again.");
      return false;
    } finally {
      inFlight.current = false;
      setPending(null);
    }
  }, []);

  return {
    pending,
    error,
    message,
    clearError: useCallback(() => setError(null), []),
    pause: useCallback(() => run("pause", () => pauseExecution(executionId)), [run, executionId]),
    /** With `{ maxCost }`: raise the spend cap (a number) or lift it (null) as the execution resumes. */
    resume: useCallback(
      (change?: ResumeRequest) => run("resume", () => resumeExecution(executionId, change)),
      [run, executionId],
    ),
    stop: useCallback(
      (reason?: string) =>
        run("stop", () => stopExecution(executionId, reason?.trim() ? { reason: reason.trim() } : {})),
      [run, executionId],
    ),
    adjustConcurrency: useCallback(
      (concurrency: number) => run("adjust-concurrency", () => adjustConcurrency(executionId, concurrency)),
      [run, executionId],
    ),
  };
}
