/**
 * How the UI writes numbers, dates and durations. Pure, so a page renders the same on the server and the client.
 *
 * Two families live side by side on purpose: the batch pages speak in words and whole minutes ("about 2 minutes",
 * "Jan 5, 2025, 3:04 PM"), the execution pages count precisely ("2m 05s", seconds in their timestamps). Each
 * function's name says which one it is; the e2e suites assert on the text they render.
 */

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** An ISO string as a Date, or null when it is absent or unreadable (shown as "—"). */
function dateOf(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

const dateTimeToMinute = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" });

/** "Jan 5, 2025, 3:04 PM": when a project, batch or run was created. */
export function formatDateTime(iso: string | null | undefined): string {
  const d = dateOf(iso);
  return d ? dateTimeToMinute.format(d) : "—";
}

/** "Jan 5, 2025". */
export function formatDate(iso: string | null | undefined): string {
  const d = dateOf(iso);
  return d ? dateOnly.format(d) : "—";
}

/** To the second, in the reader's own locale: when a run or a job started and finished. */
export function formatPreciseDateTime(iso: string | null | undefined): string {
  const d = dateOf(iso);
  return d ? d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" }) : "—";
}

/** The time of day to the second, in the reader's own locale: a job's step log. */
export function formatTime(iso: string | null | undefined): string {
  const d = dateOf(iso);
  return d ? d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "—";
}

/** "just now", "5 minutes ago", "3 hours ago", then the date. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  const d = dateOf(iso);
  if (!d) return "—";
  const seconds = Math.round((now - d.getTime()) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${plural(minutes, "minute")} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${plural(hours, "hour")} ago`;
  return formatDate(iso);
}

/**
 * A duration in words, rounded as a person would say it: "a few seconds", "40 seconds", "2 minutes",
 * "1 hour 20 minutes". For estimates, where precision would be false.
 */
export function formatDurationInWords(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "a moment";
  const seconds = Math.round(ms / 1000);
  if (seconds < 5) return "a few seconds";
  if (seconds < 60) return plural(Math.max(5, Math.round(seconds / 5) * 5), "second");
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return plural(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${plural(hours, "hour")} ${plural(rest, "minute")}` : plural(hours, "hour");
}

/** A measured duration, cut to the second like a clock: "42s", "1m 15s", "1h 2m"; "—" when unknown. */
export function formatDurationCompact(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return "—";
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${minutes}m`;
  return `${minutes}m ${seconds.toString().padStart(2, "0")}s`;
}

/** A job's run time, finer below a minute: "850 ms", "12.3 s", then as formatDurationCompact ("2m 05s"). */
export function formatJobDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDurationCompact(ms);
}

const usd = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** "$0.40". */
export function formatCost(cost: number): string {
  return usd.format(Number.isFinite(cost) ? cost : 0);
}

const smallUsd = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumSignificantDigits: 1,
  maximumSignificantDigits: 2,
});

/**
 * Model spend, which starts in fractions of a cent: "$0.42", "$12.00", and below a cent its first figures
 * ("$0.0031") rather than a misleading "$0.00".
 */
export function formatSpend(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return "$0.00";
  return usd < 0.01 ? smallUsd.format(usd) : usd.toLocaleString("en-US", { style: "currency", currency: "USD" });
}

/** A token count, short: "950", "12.3k", "1.2M". */
export function formatTokens(tokens: number): string {
  if (!Number.isFinite(tokens) || tokens <= 0) return "0";
  if (tokens < 1000) return String(Math.round(tokens));
  if (tokens < 999_500) return `${trimZero((tokens / 1000).toFixed(tokens < 100_000 ? 1 : 0))}k`;
  return `${trimZero((tokens / 1_000_000).toFixed(1))}M`;
}

const trimZero = (text: string) => text.replace(/\.0$/, "");

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

/** The first 8 characters of an id, for a heading that has no name to show. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}
