import { cn } from "./cn";

/** A grey placeholder block shown while content loads; hidden from screen readers. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cn("animate-pulse rounded bg-slate-200/80", className)} />;
}

/** A polite "Loading…" announcement with placeholder lines under it. */
export function LoadingBlock({
  label = "Loading…",
  lines = 3,
  className,
}: {
  label?: string;
  lines?: number;
  className?: string;
}) {
  return (
    <div role="status" className={cn("space-y-3", className)}>
      <span className="sr-only">{label}</span>
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders are identical and never reorder
        <Skeleton key={i} className={cn("h-12 w-full", i === lines - 1 && lines > 1 ? "w-2/3" : undefined)} />
      ))}
    </div>
  );
}
