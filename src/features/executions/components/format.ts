import type { Tone } from "@/components/ui/badge";
import type { ExecutionMode, ExecutionStatus, JobStatus } from "@/lib/contract/resources";

/** 75_000 -> "1m 15s"; 3_723_000 -> "1h 2m"; under a minute -> "42s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return "—";
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${minutes}m`;
  return `${minutes}m ${seconds.toString().padStart(2, "0")}s`;
}

/** A job's run time: "850 ms", "12.3 s", "2m 05s". */
export function formatJobDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(ms);
}

export function formatPercent(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return "0%";
  return `${value.toFixed(digits)}%`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

export const modeLabel: Record<ExecutionMode, string> = { test: "Test run", production: "Production run" };

export const executionStatusLabel: Record<ExecutionStatus, string> = {
  pending: "Starting",
  running: "Running",
  paused: "Paused",
  stopping: "Stopping",
  stopped: "Stopped",
  completed: "Completed",
};

export const executionStatusTone: Record<ExecutionStatus, Tone> = {
  pending: "neutral",
  running: "info",
  paused: "warning",
  stopping: "warning",
  stopped: "danger",
  completed: "success",
};

export const jobStatusLabel: Record<JobStatus, string> = {
  queued: "Queued",
  running: "Running",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const jobStatusTone: Record<JobStatus, Tone> = {
  queued: "neutral",
  running: "info",
  completed: "success",
  failed: "danger",
  cancelled: "neutral",
};

/** A cell value for an extracted field: strings as they are, anything else as compact JSON. */
export function formatValue(value: unknown): string {
  if (value == null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}
