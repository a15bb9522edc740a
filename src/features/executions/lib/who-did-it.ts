import type { ExecutionView } from "@/lib/client/execution-state";

/** The local time of day as HH:MM on a 24-hour clock ("14:02"), or null when the time is absent or unreadable. */
export function clockTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

type Who = Pick<ExecutionView, "status" | "pausedBy" | "pausedAt" | "stoppedBy" | "stoppedAt">;

/**
 * "Paused by Ana · 14:02" while a person's pause lasts, "Stopped by Ana · 14:05" once a person stopped it; null when
 * nobody is known (local mode, or fleetdeck's own budget pause), so nothing is shown.
 */
export function whoDidIt(e: Who): string | null {
  if (e.status === "paused" && e.pausedBy) return withTime(`Paused by ${e.pausedBy.name}`, e.pausedAt);
  if ((e.status === "stopping" || e.status === "stopped") && e.stoppedBy)
    return withTime(`Stopped by ${e.stoppedBy.name}`, e.stoppedAt);
  return null;
}

function withTime(text: string, at: string | null): string {
  const time = clockTime(at);
  return time ? `${text} · ${time}` : text;
}
