"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { type ApiError, api } from "@/lib/client/api";
import { toApiError } from "@/lib/client/errors";
import { useApiResource } from "@/lib/client/use-api-resource";
import type { AgentConfig } from "@/lib/contract/agent";
import type { Batch, Estimate, Execution, ExecutionMode, Input, InvalidRow } from "@/lib/contract/resources";
import { ACTIVE_EXECUTION_STATUSES } from "@/lib/contract/resources";

const enc = encodeURIComponent;

export function useBatches(projectId: string) {
  return useApiResource(`batches:${projectId}`, () =>
    api<{ batches: Batch[] }>(`/api/projects/${enc(projectId)}/batches`).then((r) => r.batches),
  );
}

export function useBatch(batchId: string) {
  return useApiResource(`batch:${batchId}`, () =>
    api<{ batch: Batch }>(`/api/batches/${enc(batchId)}`).then((r) => r.batch),
  );
}

export interface CreateBatchInput {
  file: File;
  name?: string;
  urlColumn?: string | null;
  goalColumn?: string | null;
  idColumn?: string | null;
  agent?: Partial<AgentConfig>;
}

export interface CreateBatchResult {
  batch: Batch;
  rowCount: number;
  invalidRows: InvalidRow[];
}

/** Uploads the CSV as multipart/form-data, the contract's first form of POST /api/projects/:id/batches. */
export function createBatch(projectId: string, input: CreateBatchInput): Promise<CreateBatchResult> {
  const form = new FormData();
  form.set("file", input.file, input.file.name);
  if (input.name?.trim()) form.set("name", input.name.trim());
  if (input.urlColumn) form.set("urlColumn", input.urlColumn);
  if (input.goalColumn) form.set("goalColumn", input.goalColumn);
  if (input.idColumn) form.set("idColumn", input.idColumn);
  if (input.agent) form.set("agent", JSON.stringify(input.agent));
  return api<CreateBatchResult>(`/api/projects/${enc(projectId)}/batches`, { method: "POST", body: form });
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
  const resource = useApiResource(`inputs:${batchId}:${pageSize}:${cursor ?? ""}`, () => {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (cursor) query.set("cursor", cursor);
    return api<{ inputs: Input[]; nextCursor: string | null }>(`/api/batches/${enc(batchId)}/inputs?${query}`);
  });
  const nextCursor = resource.data?.nextCursor ?? null;
  const next = useCallback(() => {
    if (nextCursor) setCursors((c) => [...c, nextCursor]);
  }, [nextCursor]);
  const previous = useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), []);
  return { ...resource, page, pageSize, hasNext: nextCursor !== null, hasPrevious: page > 0, next, previous };
}

/** A batch's executions, newest first; refreshed every few seconds while one of them is still active. */
export function useExecutions(batchId: string, pollMs = 4000) {
  const resource = useApiResource(`executions:${batchId}`, () =>
    api<{ executions: Execution[] }>(`/api/batches/${enc(batchId)}/executions`).then((r) => r.executions),
  );
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

export function startExecution(batchId: string, choice: ExecutionChoice): Promise<Execution> {
  const body: ExecutionChoice = { mode: choice.mode, concurrency: choice.concurrency };
  if (choice.mode === "test") body.sampleSize = choice.sampleSize;
  return api<{ execution: Execution }>(`/api/batches/${enc(batchId)}/executions`, { method: "POST", json: body }).then(
    (r) => r.execution,
  );
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
      const query = new URLSearchParams({ mode: choice.mode, concurrency: String(choice.concurrency) });
      if (choice.mode === "test" && choice.sampleSize !== undefined) query.set("sampleSize", String(choice.sampleSize));
      try {
        const estimate = await api<Estimate>(`/api/batches/${enc(batchId)}/estimate?${query}`);
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
