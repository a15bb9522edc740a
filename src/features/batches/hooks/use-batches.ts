"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiError } from "@/lib/client/api";
import {
  getBatch,
  getEstimate,
  getProject,
  listExecutions,
  listInputs,
  type StartExecutionRequest,
} from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { useApiResource } from "@/lib/client/use-api-resource";
import type { Estimate, ExecutionMode } from "@/lib/contract/resources";
import { ACTIVE_EXECUTION_STATUSES } from "@/lib/contract/resources";

/** The project a batch page sits in: its name for the breadcrumbs, and a 404 when the address names none. */
export function useBatchProject(projectId: string) {
  return useApiResource(`project:${projectId}`, () => getProject(projectId).then((r) => r.project));
}

export function useBatch(batchId: string) {
  return useApiResource(`batch:${batchId}`, () => getBatch(batchId).then((r) => r.batch));
}

export const INPUTS_PAGE_SIZE = 25;

/**
 * One page of a batch's inputs at a time, cursor-based: Next follows `nextCursor`, Previous goes back through the
 * cursors already seen (the API only moves forward).
 */
export function useInputsPage(batchId: string, pageSize = INPUTS_PAGE_SIZE) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  const cursor = cursors[page] ?? null;
  const resource = useApiResource(`inputs:${batchId}:${pageSize}:${cursor ?? ""}`, () =>
    listInputs(batchId, { limit: pageSize, cursor }),
  );
  const nextCursor = resource.data?.nextCursor ?? null;
  const next = useCallback(() => {
    if (nextCursor) setCursors((c) => [...c, nextCursor]);
  }, [nextCursor]);
  const previous = useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), []);
  return { ...resource, page, pageSize, hasNext: nextCursor !== null, hasPrevious: page > 0, next, previous };
}

/** A batch's executions, newest first; refreshed every few seconds while one of them is still active. */
export function useExecutions(batchId: string, pollMs = 4000) {
  const resource = useApiResource(`executions:${batchId}`, () => listExecutions(batchId).then((r) => r.executions));
  const active = resource.data?.some((e) => ACTIVE_EXECUTION_STATUSES.includes(e.status)) ?? false;
  const { reload } = resource;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void reload();
    }, pollMs);
    return () => clearInterval(timer);
  }, [active, reload, pollMs]);
  return resource;
}

export interface ExecutionChoice {
  mode: ExecutionMode;
  sampleSize?: number;
  concurrency: number;
}

/** The body that starts a choice: a sample size only for a test run. */
export function executionRequest(choice: ExecutionChoice): StartExecutionRequest {
  const body: StartExecutionRequest = { mode: choice.mode, concurrency: choice.concurrency };
  if (choice.mode === "test") body.sampleSize = choice.sampleSize;
  return body;
}

/**
 * The server's estimate for a choice, fetched `delayMs` after the choice stops changing (null = the choice is not
 * valid, don't ask). The last estimate stays shown, marked stale, while a new one loads.
 */
export function useEstimate(batchId: string, choice: ExecutionChoice | null, delayMs = 300) {
  const [state, setState] = useState<{
    estimate: Estimate | null;
    mode: ExecutionMode | null;
    error: ApiError | null;
    loading: boolean;
  }>({
    estimate: null,
    mode: null,
    error: null,
    loading: false,
  });
  const key = choice ? `${choice.mode}:${choice.mode === "test" ? choice.sampleSize : ""}:${choice.concurrency}` : null;
  const ticket = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is the identity of `choice`: a new object with the same values must not refetch
  useEffect(() => {
    const mine = ++ticket.current;
    if (!key || !choice) {
      setState((s) => ({ ...s, loading: false }));
      return;
    }
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(async () => {
      try {
        const estimate = await getEstimate(batchId, {
          mode: choice.mode,
          concurrency: choice.concurrency,
          sampleSize: choice.mode === "test" ? choice.sampleSize : undefined,
        });
        if (mine === ticket.current) setState({ estimate, mode: choice.mode, error: null, loading: false });
      } catch (e) {
        const error = toApiError(e);
        if (mine === ticket.current) setState((s) => ({ ...s, error, loading: false }));
      }
    }, delayMs);
    return () => clearTimeout(timer);
  }, [batchId, key, delayMs]);
  return state;
}
