import { randomUUID } from "node:crypto";
import { WebSocket } from "ws";
import type { ServerMessage } from "@/lib/contract/events";
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

/** One socket: its subscriptions and a send that enforces back-pressure. */
export class Connection {
  readonly id = randomUUID();
  readonly subscriptions = new Map<string, Subscription>();
  /** Messages from one client are handled in order, though subscribe awaits the database. */
  readonly inbox = new SerialQueue();
  /** Cleared by each protocol ping, set by the pong: a socket still unset at the next ping is dead. */
  alive = true;
  closed = false;

  constructor(
    readonly ws: WebSocket,
    readonly limits: SendLimits,
    private readonly onTooSlow: (connection: Connection) => void,
  ) {}

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
    this.ws.send(frame);
    return true;
  }

  /** This client cannot keep up: the hub drops its subscriptions and closes it. */
  cut() {
    if (!this.closed) this.onTooSlow(this);
  }

  /** Close politely, but never wait on a peer that does not read: destroy it shortly after. */
  close(code: number, reason: string, forceAfterMs = 1000) {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
    setTimeout(() => this.ws.terminate(), forceAfterMs).unref();
  }
}
