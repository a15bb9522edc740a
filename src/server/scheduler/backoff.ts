/** Exponential backoff with jitter: attempt 1 waits ~base, 2 ~2×base, … capped; jitter spreads retries of many jobs. */
export function backoffMs(attempt: number, baseMs: number, capMs = 60_000): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}
