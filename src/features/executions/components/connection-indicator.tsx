import { cn } from "@/components/ui/cn";

/**
 * Says whether live updates are flowing: "Live" only while the socket is open and subscribed,
 * "Connecting…" before the first connection, "Disconnected" (reconnecting by itself) after a drop.
 */
export function ConnectionIndicator({ connected, everConnected }: { connected: boolean; everConnected: boolean }) {
  const state = connected ? "live" : everConnected ? "disconnected" : "connecting";
  const label = state === "live" ? "Live" : state === "disconnected" ? "Disconnected" : "Connecting…";
  return (
    <span
      role="status"
      aria-live="polite"
      data-connection={state}
      title={state === "disconnected" ? "Live updates paused: reconnecting automatically" : undefined}
      className={cn(
        "inline-flex items-center gap-2 rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset",
        state === "live" && "bg-emerald-50 text-emerald-800 ring-emerald-200",
        state === "disconnected" && "bg-red-50 text-red-800 ring-red-200",
        state === "connecting" && "bg-slate-100 text-slate-700 ring-slate-200",
      )}
    >
      <span
        aria-hidden="true"
        className={cn(
          "h-2 w-2 rounded-full",
          state === "live" && "bg-emerald-600 motion-safe:animate-pulse",
          state === "disconnected" && "bg-red-600",
          state === "connecting" && "bg-slate-400",
        )}
      />
      {label}
      {state === "disconnected" && <span className="sr-only"> — reconnecting automatically</span>}
    </span>
  );
}
