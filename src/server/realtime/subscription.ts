const MAX_PENDING_DURING_REPLAY = 20_000;

/**
 * The socket a subscription writes to, as it and its replay use it: a Connection, which keeps its subscriptions
 * (declared here rather than imported, so that connection.ts and this file do not import each other).
 */
export interface SubscriberSocket {
  /** This socket's subscriptions, by execution id. */
  readonly subscriptions: Map<string, Subscription>;
  readonly limits: { readonly softBytes: number };
  readonly ws: { readonly bufferedAmount: number };
  /** False when the frame was not sent (closed, dropped as ephemeral, or the socket was cut). */
  write(frame: string, kind: "retained" | "ephemeral"): boolean;
  /** True once at most `belowBytes` wait in the send buffer; false if the socket closes or `timeoutMs` passes. */
  drained(belowBytes: number, timeoutMs: number): Promise<boolean>;
  /** The client cannot keep up: it loses its subscriptions and is closed. */
  cut(): void;
}

/**
 * One socket's interest in one execution. `lastSeq` is the highest retained seq this socket has
 * been sent; a retained event at or below it is never sent again, which is what makes the
 * hand-over from replay to live free of duplicates. While replaying, live retained events wait in
 * `pending` (ephemeral ones are skipped: the replay ends with a fresh snapshot of running jobs).
 */
export class Subscription {
  private pending: { seq: number; frame: string }[] | null;
  cancelled = false;

  constructor(
    readonly connection: SubscriberSocket,
    readonly executionId: string,
    public lastSeq: number,
    replaying: boolean,
  ) {
    this.pending = replaying ? [] : null;
  }

  get replaying() {
    return this.pending !== null;
  }

  offerRetained(seq: number, frame: string) {
    if (this.cancelled || seq <= this.lastSeq) return;
    if (this.pending) {
      this.pending.push({ seq, frame });
      // A replay that cannot finish (the client does not read) must not hold events without bound.
      if (this.pending.length > MAX_PENDING_DURING_REPLAY) this.connection.cut();
      return;
    }
    this.lastSeq = seq;
    this.connection.write(frame, "retained");
  }

  offerEphemeral(frame: string) {
    if (this.cancelled || this.pending) return;
    this.connection.write(frame, "ephemeral");
  }

  /** Called by the replay when the log has been sent up to `replayedSeq`: flush what came live meanwhile, then go live. */
  goLive(replayedSeq: number) {
    const pending = this.pending ?? [];
    this.pending = null;
    this.lastSeq = Math.max(this.lastSeq, replayedSeq);
    for (const { seq, frame } of pending) this.offerRetained(seq, frame);
  }

  cancel() {
    this.cancelled = true;
    this.pending = null;
  }
}
