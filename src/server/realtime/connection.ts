import { randomUUID } from "node:crypto";
import { WebSocket } from "ws";
import type { ServerMessage } from "@/lib/contract/events";
import type { Credential } from "../auth/caller";
import { MessageRate } from "./message-rate";
import { encode } from "./protocol";
import { SerialQueue } from "./serial-queue";
import type { Subscription } from "./subscription";

export interface SendLimits {
  /** Over this many bytes waiting in the socket's send buffer, ephemeral events are dropped for it. */
  softBytes: number;
  /** Over this, the socket is closed: it will resubscribe with lastSeq and lose nothing. */
  hardBytes: number;
}

/** Close code for a client that could not keep up (an application code: "reconnect and resubscribe"). */
export const CLOSE_TOO_SLOW = 4000;

export type FrameKind = "control" | "retained" | "ephemeral";

/** One socket: its subscriptions, its message rate, and a send that enforces back-pressure. */
export class Connection {
  readonly id = randomUUID();
  readonly subscriptions = new Map<string, Subscription>();
  /** Messages from one client are handled in order, though subscribe awaits the database. */
  readonly inbox = new SerialQueue();
  /** Replays of this socket run one after another: one client never has two log reads in flight. */
  readonly replays = new SerialQueue();
  readonly rate: MessageRate;
  /** Cleared by each protocol ping, set by the pong: a socket still unset at the next ping is dead. */
  alive = true;
  /** With AUTH=on: the credential of the handshake (cookie or Authorization), or a subscribe's token. */
  credential: Credential | null = null;
  /** What would end this socket's access (a session, a token, its user): revoking one closes it. */
  readonly accessKeys = new Set<string>();
  closed = false;
  private framesSent = 0;
  private framesFlushed = 0;
  private drainWaiters: { belowBytes: number; resolve: (drained: boolean) => void }[] = [];

  constructor(
    readonly ws: WebSocket,
    readonly address: string,
    readonly limits: SendLimits,
    messagesPerSecond: number,
    private readonly onTooSlow: (connection: Connection) => void,
  ) {
    this.rate = new MessageRate(messagesPerSecond);
    ws.once("close", () => this.settleDrainWaiters(false));
  }

  send(message: ServerMessage): boolean {
    return this.write(encode(message), "control");
  }

  /** Returns false when the frame was not sent (closed, dropped as ephemeral, or the socket was cut). */
  write(frame: string, kind: FrameKind): boolean {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return false;
    const buffered = this.ws.bufferedAmount;
    if (buffered > this.limits.hardBytes) {
      this.cut();
      return false;
    }
    if (kind === "ephemeral" && buffered > this.limits.softBytes) return false;
    this.framesSent++;
    this.ws.send(frame, this.afterFlush);
    return true;
  }

  /**
   * Resolves true once at most `belowBytes` wait in the send buffer (the kernel took the rest, so the
   * client is reading), false if the socket closes or `timeoutMs` passes first.
   */
  drained(belowBytes: number, timeoutMs: number): Promise<boolean> {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return Promise.resolve(false);
    if (this.ws.bufferedAmount <= belowBytes) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (drained: boolean) => {
        clearTimeout(timer);
        this.drainWaiters = this.drainWaiters.filter((w) => w !== waiter);
        resolve(drained);
      };
      const waiter = { belowBytes, resolve: finish };
      this.drainWaiters.push(waiter);
    });
  }

  /** This client cannot keep up: the hub drops its subscriptions and closes it. */
  cut() {
    if (!this.closed) this.onTooSlow(this);
  }

  /** Close politely, but never wait on a peer that does not read: destroy it shortly after. */
  close(code: number, reason: string, forceAfterMs = 1000) {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
    setTimeout(() => this.ws.terminate(), forceAfterMs).unref();
  }

  /** ws calls this as each frame is handed to the kernel (or fails with the socket). */
  private readonly afterFlush = () => {
    this.framesFlushed++;
    if (this.drainWaiters.length === 0) return;
    const nothingLeft = this.framesFlushed === this.framesSent;
    for (const waiter of [...this.drainWaiters]) {
      if (nothingLeft || this.ws.bufferedAmount <= waiter.belowBytes) waiter.resolve(true);
    }
  };

  private settleDrainWaiters(drained: boolean) {
    for (const waiter of [...this.drainWaiters]) waiter.resolve(drained);
  }
}
