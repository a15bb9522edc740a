import type { WorkerInfo } from "@/lib/contract/workers";

type WorkerStatus = WorkerInfo["status"];

/** Each status's word and dot colour on the Workers page. */
export const WORKER_STATUS_LOOK: Record<WorkerStatus, { label: string; dot: string }> = {
  alive: { label: "Alive", dot: "bg-emerald-500" },
  stopping: { label: "Stopping", dot: "bg-amber-500" },
  stopped: { label: "Stopped", dot: "bg-slate-400" },
  dead: { label: "Dead", dot: "bg-red-500" },
};

/** A beat's age as an operator reads it: "3 s ago", "4 min ago", "2 h ago". Clocks a little ahead read "0 s ago". */
export function beatAge(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return "—";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}
