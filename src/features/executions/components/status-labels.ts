import type { Tone } from "@/components/ui/badge";
import type { ExecutionMode, ExecutionStatus, JobStatus } from "@/lib/contract/resources";

/** How the execution pages name and colour modes and statuses. */

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
