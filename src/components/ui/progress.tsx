import { cn } from "./cn";

/** A labelled progress bar; `value` is 0-100. */
export function Progress({
  value,
  label,
  className,
  tone = "bg-indigo-600",
}: {
  value: number;
  label: string;
  className?: string;
  tone?: string;
}) {
  const clamped = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped}
      className={cn("h-2 w-full overflow-hidden rounded-full bg-slate-200", className)}
    >
      <div
        className={cn("h-full rounded-full transition-[width] duration-500 ease-out", tone)}
        style={{ width: `${clamped}%` }}
      />
    </div>
  );
}
