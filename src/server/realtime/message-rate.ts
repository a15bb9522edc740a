/** What one more message from a client amounts to under its rate limit. */
export type RateVerdict = "accepted" | "refused" | "abusive";

/**
 * A token bucket per socket: up to `perSecond` messages in a burst, refilled at `perSecond` a second.
 * Refused messages fill a second bucket of the same size that drains at the same pace, so a client
 * that keeps sending at twice the limit (or dumps a large burst) is judged abusive within a second or two,
 * while one that merely overshoots now and then only gets errors.
 */
export class MessageRate {
  private tokens: number;
  private refusals = 0;
  private updatedAt: number;

  constructor(
    private readonly perSecond: number,
    now = Date.now(),
  ) {
    this.tokens = perSecond;
    this.updatedAt = now;
  }

  take(now = Date.now()): RateVerdict {
    const refill = ((now - this.updatedAt) / 1000) * this.perSecond;
    this.updatedAt = now;
    this.tokens = Math.min(this.perSecond, this.tokens + refill);
    this.refusals = Math.max(0, this.refusals - refill);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return "accepted";
    }
    this.refusals += 1;
    return this.refusals > this.perSecond ? "abusive" : "refused";
  }
}
