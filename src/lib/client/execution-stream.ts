import {
  type ClientMessage,
  decodeEvent,
  type ExecutionEvent,
  retainedSeqFit,
  type SeqFit,
  type ServerMessage,
  seqFit,
} from "@/lib/contract/events";

/**
 * One execution's live stream over /api/ws/executions, without any framework: it subscribes from
 * the last applied seq, passes on retained events strictly in seq order (a jump means something was
 * missed, so it resubscribes from its last seq and the server replays), and reconnects with backoff
 * and jitter whenever the socket goes away. The caller applies the events it is given.
 *
 * With access control on, the server judges every subscribe and ends a socket whose access changed (a sign-out, a
 * revoked token, a role changed): an `unauthenticated` error, then a close with CLOSE_ACCESS_CHANGED. The stream
 * then reconnects once, since a changed role may still watch; if that subscribe is refused too (`unauthenticated`, or
 * `not_found` once no longer a member), access has ended and it stops for good, saying so (`onAccessEnded`).
 */

/** The close code of a socket whose access changed (src/server/realtime/hub.ts). */
export const CLOSE_ACCESS_CHANGED = 4401;

/** The part of the browser WebSocket this uses; Node's `ws` client fits it too (tests, benchmarks). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: never) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: never) => void) | null;
}

export interface StreamStatus {
  /** Subscribed and receiving live events. */
  connected: boolean;
  /** A problem worth showing (it keeps retrying unless the execution does not exist). */
  error: string | null;
  /** Why the server cannot reach its database right now (live events pause until it is back), or null. */
  degraded: string | null;
}

export interface ExecutionStreamOptions {
  url: string;
  executionId: string;
  /** The seq the caller's state is at (the REST snapshot's lastEventSeq): replay starts after it. */
  lastSeq: number;
  onEvent(event: ExecutionEvent): void;
  /** A retained event this build cannot read took the next seq: the caller moves its seq on without applying it. */
  onUnreadable?(seq: number): void;
  onStatus?(status: StreamStatus): void;
  /** How many workers claim jobs, from a web process that has none of its own (0: queued jobs wait for one). */
  onWorkers?(live: number): void;
  /** The server ended this socket's access; the stream is checking whether the caller may still watch (a new role). */
  onAccessChange?(): void;
  /** The caller may no longer watch (signed out, token revoked, no longer a member): the stream has stopped for good. */
  onAccessEnded?(): void;
  createSocket?(url: string): SocketLike;
  /** First reconnect delay (before jitter); it doubles per failed attempt up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  pingIntervalMs?: number;
  /** A socket that does not answer a ping within this is treated as dead. */
  pongTimeoutMs?: number;
  random?(): number;
}

const OPEN = 1;

type OptionalCallbacks = "onStatus" | "onUnreadable" | "onWorkers" | "onAccessChange" | "onAccessEnded";

export class ExecutionStream {
  lastSeq: number;
  connected = false;
  private socket: SocketLike | null = null;
  private failedAttempts = 0;
  private stopped = false;
  /** A resubscribe is on its way: further gaps are the same gap, so do not ask again. */
  private resyncing = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private error: string | null = null;
  private degraded: string | null = null;
  /** Stopped for good because the caller may no longer watch; see onAccessEnded. */
  accessEnded = false;
  /** This socket's subscribe was answered: an `unauthenticated` now is the server ending access, not a refusal. */
  private subscribedHere = false;
  /** Reconnecting after the server ended access: the next subscribe's answer says whether it still may watch. */
  private recheckingAccess = false;
  private lastReported: StreamStatus = { connected: false, error: null, degraded: null };
  private readonly o: Required<Omit<ExecutionStreamOptions, OptionalCallbacks>> &
    Pick<ExecutionStreamOptions, OptionalCallbacks>;

  constructor(options: ExecutionStreamOptions) {
    this.o = {
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      initialBackoffMs: 250,
      maxBackoffMs: 15_000,
      pingIntervalMs: 20_000,
      pongTimeoutMs: 10_000,
      random: Math.random,
      ...options,
    };
    this.lastSeq = options.lastSeq;
  }

  start() {
    if (this.accessEnded) return;
    this.stopped = false;
    if (typeof window !== "undefined") window.addEventListener("online", this.onOnline);
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (typeof window !== "undefined") window.removeEventListener("online", this.onOnline);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.dropSocket();
    this.setStatus(false);
  }

  /** For tests and diagnostics: the socket in use now. */
  get currentSocket(): SocketLike | null {
    return this.socket;
  }

  private connect() {
    if (this.stopped) return;
    let socket: SocketLike;
    try {
      socket = this.o.createSocket(this.o.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.subscribedHere = false;
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onclose = (ev) => this.onSocketGone(socket, ev?.code);
    socket.onerror = () => {}; // always followed by close
  }

  private receive(data: unknown) {
    let message: ServerMessage;
    try {
      message = JSON.parse(typeof data === "string" ? data : String(data)) as ServerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case "connected":
        // A new socket: the server says at once if its database is still away, so forget the old socket's word.
        this.degraded = null;
        this.resyncing = false;
        this.subscribe();
        this.startPinging();
        return;
      case "subscribed":
        if (message.executionId !== this.o.executionId) return;
        this.resyncing = false;
        this.subscribedHere = true;
        this.recheckingAccess = false;
        this.failedAttempts = 0;
        this.error = null;
        this.setStatus(true);
        return;
      case "execution_event":
        if (message.executionId === this.o.executionId) this.handleEvent(message.event);
        return;
      case "pong":
        if (this.pongTimer) clearTimeout(this.pongTimer);
        this.pongTimer = null;
        return;
      case "degraded":
        this.degraded = message.reason;
        this.setStatus(this.connected);
        return;
      case "recovered":
        this.degraded = null;
        this.setStatus(this.connected);
        return;
      case "workers":
        this.o.onWorkers?.(message.live);
        return;
      case "reconnect":
        // The server is restarting and will close this socket; come back quickly, not with a long backoff.
        this.failedAttempts = 0;
        return;
      case "error":
        if (message.error.code === "unauthenticated") {
          // Refused at subscribe (no valid credential), or refused again after an access change: it is over.
          if (!this.subscribedHere || this.recheckingAccess) return this.endAccess();
          return this.accessChanged();
        }
        // Once access changed, an execution that became invisible means the caller is no longer a member.
        if (message.error.code === "not_found" && this.recheckingAccess) return this.endAccess();
        if (message.error.code === "not_found") {
          this.error = "This execution does not exist.";
          this.stop();
          return;
        }
        this.error = message.error.message;
        this.setStatus(this.connected);
        return;
    }
  }

  private handleEvent(raw: unknown) {
    const decoded = decodeEvent(raw);
    if (decoded.ok) {
      const fit = seqFit(this.lastSeq, decoded.event);
      if (!this.inOrder(fit)) return;
      if (fit === "next") this.lastSeq = decoded.event.seq;
      this.o.onEvent(decoded.event);
      return;
    }
    const odd = decoded.unreadable;
    if (!odd?.retained || !this.inOrder(retainedSeqFit(this.lastSeq, odd.seq))) return;
    this.lastSeq = odd.seq;
    this.o.onUnreadable?.(odd.seq);
  }

  /** Retained events pass strictly in seq order: an old one (replay overlapping live) is dropped, a gap resubscribes. */
  private inOrder(fit: SeqFit): boolean {
    if (fit === "gap" && !this.resyncing) {
      this.resyncing = true;
      this.subscribe();
    }
    return fit === "next" || fit === "ephemeral";
  }

  private subscribe() {
    this.send({ type: "subscribe", executionId: this.o.executionId, lastSeq: this.lastSeq });
  }

  private send(message: ClientMessage) {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private startPinging() {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      this.send({ type: "ping" });
      if (this.pongTimer) return;
      const socket = this.socket;
      // A network that died silently gives no close event for minutes; a missing pong tells sooner.
      this.pongTimer = setTimeout(() => socket && this.onSocketGone(socket), this.o.pongTimeoutMs);
    }, this.o.pingIntervalMs);
  }

  private onSocketGone(socket: SocketLike, code?: number) {
    if (socket !== this.socket) return; // a socket already replaced
    if (code === CLOSE_ACCESS_CHANGED) return this.recheckingAccess ? this.endAccess() : this.accessChanged();
    this.dropSocket();
    this.setStatus(false);
    this.scheduleReconnect();
  }

  /** The server ended this socket's access: come back and subscribe again, to be judged afresh. */
  private accessChanged() {
    this.recheckingAccess = true;
    this.dropSocket();
    this.setStatus(false);
    this.o.onAccessChange?.();
    // Soon, not at once: every tab of a revoked session comes back at the same moment, so spread them a little.
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.failedAttempts = 0;
    this.scheduleReconnect();
  }

  /** Nothing to retry: the caller must sign in again (or be given access) to watch. */
  private endAccess() {
    this.accessEnded = true;
    this.recheckingAccess = false;
    this.stop();
    this.o.onAccessEnded?.();
  }

  private dropSocket() {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pingTimer = this.pongTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onmessage = socket.onclose = socket.onerror = null;
    socket.onopen = null;
    try {
      socket.close();
    } catch {
      // closing a socket that never opened may throw in some environments
    }
  }

  /** The network is back: try now rather than at the end of a long backoff. */
  private readonly onOnline = () => {
    if (this.stopped || !this.reconnectTimer) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.failedAttempts = 0;
    this.connect();
  };

  /** Exponential backoff with jitter: the first retry is a fraction of a second, many tabs do not retry in step. */
  private scheduleReconnect() {
    if (this.stopped || this.reconnectTimer) return;
    const base = Math.min(this.o.maxBackoffMs, this.o.initialBackoffMs * 2 ** this.failedAttempts);
    const delay = base / 2 + (base / 2) * this.o.random();
    this.failedAttempts += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private setStatus(connected: boolean) {
    this.connected = connected;
    const status: StreamStatus = { connected, error: this.error, degraded: this.degraded };
    const last = this.lastReported;
    if (last.connected === connected && last.error === status.error && last.degraded === status.degraded) return;
    this.lastReported = status;
    this.o.onStatus?.(status);
  }
}
