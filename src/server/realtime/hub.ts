import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { type ClientMessage, channelOf, type ExecutionEvent, executionIdOfChannel } from "@/lib/contract/events";
import { credentialOf } from "../auth/caller";
import { judgeSubscribe } from "../auth/realtime-access";
import type { Database, DatabaseHealth } from "../db/client";
import { authOn } from "../env";
import { type EventMarker, isMarker } from "../events/bus";
import { log } from "../log";
import { metrics } from "../metrics";
import { eventsAfter } from "../repos/events";
import { findExecutionHead, findExecutionHeads, findRunningJobStates } from "../repos/realtime";
import { countLive } from "../repos/workers";
import type { Runtime } from "../runtime";
import { AddressQuota } from "./address-quota";
import { Channel, type ChannelDeps } from "./channel";
import { CLOSE_TOO_SLOW, Connection, type SendLimits } from "./connection";
import { Gate } from "./gate";
import { encode, MAX_CLIENT_MESSAGE_BYTES, parseClientMessage } from "./protocol";
import { type ReplayDeps, replay } from "./replay";
import { Subscription } from "./subscription";
import { WorkerPresence } from "./worker-presence";

/** Where the hub learns whether the database is reachable (the database seam; a test may give its own). */
export type HealthSource = Pick<Database, "health" | "onHealthChange">;

export interface HubLimits {
  /** Executions one socket may watch at once (WS_MAX_SUBSCRIPTIONS). */
  maxSubscriptionsPerSocket: number;
  /** Open sockets per client address (WS_MAX_CONNECTIONS_PER_ADDRESS). */
  maxConnectionsPerAddress: number;
  /** Messages per second per socket (WS_MAX_MESSAGES_PER_SECOND); twice that keeps up closes it with 1008. */
  maxMessagesPerSecond: number;
}

export interface HubOptions extends SendLimits, HubLimits {
  /** Protocol-level ping period; a socket that has not answered the previous ping is terminated. */
  heartbeatMs: number;
  /** stats_update period per execution (the contract says at most every 2 s). */
  statsIntervalMs: number;
  /** Minimum gap between two job_progress of one job. */
  progressIntervalMs: number;
  /** The most events one replay read asks for, and how many replay reads of all clients may run at once. */
  replayPageSize: number;
  replayReadsAtOnce: number;
  /** A replaying client that reads nothing for this long is cut. */
  replayStallMs: number;
  /** Defaults to the runtime's database. */
  health?: HealthSource;
}

export const DEFAULT_HUB_OPTIONS: Omit<HubOptions, keyof HubLimits> = {
  softBytes: 1024 * 1024,
  hardBytes: 8 * 1024 * 1024,
  heartbeatMs: 30_000,
  statsIntervalMs: 2_000,
  progressIntervalMs: 250,
  replayPageSize: 500,
  replayReadsAtOnce: 2,
  replayStallMs: 30_000,
};

/** Close code that tells clients the server is restarting: reconnect and resubscribe with lastSeq. */
const CLOSE_SERVICE_RESTART = 1012;
/** Close code when the socket's access was revoked or changed (an application code, like HTTP 401). */
export const CLOSE_ACCESS_CHANGED = 4401;
/** The standard "policy violation" close: too many sockets from one address, or messages far over the rate. */
const CLOSE_POLICY_VIOLATION = 1008;

/**
 * The realtime hub of one process: accepts sockets, handles their messages, and fans the bus's
 * events out to the sockets that watch each execution (one Channel per watched execution).
 */
export class RealtimeHub {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly channels = new Map<string, Channel>();
  private readonly perAddress: AddressQuota;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribeBus: () => void;
  private readonly unsubscribeHealth: () => void;
  private readonly unsubscribeAccess: () => void;
  /** Sockets whose subscribe is being judged, with the access keys revoked meanwhile. */
  private readonly judging = new Map<Connection, Set<string>>();
  /** AUTH=on: every subscribe is judged (auth/realtime-access.ts). */
  private readonly accounts: boolean;
  private readonly health: HealthSource;
  private readonly channelDeps: ChannelDeps;
  private readonly replayDeps: ReplayDeps;
  /** What watchers were last told: the reason the database is unreachable, or null. */
  private degradedReason: string | null = null;
  /** Web role only: watchers hear how many workers run (none: their queued jobs wait); null where this process has one. */
  private readonly workerPresence: WorkerPresence | null;
  private stopping = false;
  private statsTickRunning = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly options: HubOptions,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, clientTracking: false });
    this.perAddress = new AddressQuota(options.maxConnectionsPerAddress);
    const readLog = (id: string, after: number, limit: number) => eventsAfter(runtime.db, id, after, limit);
    this.channelDeps = {
      readLog,
      readLastSeq: async (id) => (await findExecutionHead(runtime.db, id))?.lastEventSeq,
      readHead: (id) => findExecutionHead(runtime.db, id),
      progressIntervalMs: options.progressIntervalMs,
    };
    this.replayDeps = {
      readLog,
      readRunningJobs: (id) => findRunningJobStates(runtime.db, id),
      gate: new Gate(options.replayReadsAtOnce),
      pageSize: options.replayPageSize,
      stallMs: options.replayStallMs,
    };
    // One bus subscription per process, whatever the number of sockets.
    this.unsubscribeBus = runtime.bus.onEvent((event: ExecutionEvent | EventMarker) => {
      // A marker (an event too big for NOTIFY) carries no timestamp; its lag is not measured.
      if (!isMarker(event)) observeEventLag(event.timestamp);
      this.channels.get(event.executionId)?.ingest(event);
    });
    this.health = options.health ?? runtime.database;
    this.unsubscribeHealth = this.health.onHealthChange((health) => this.healthChanged(health));
    this.accounts = authOn(runtime.env);
    this.unsubscribeAccess = runtime.bus.onAccessChange((keys) => this.accessChanged(keys));
    this.workerPresence =
      runtime.role === "web"
        ? new WorkerPresence({
            countLive: () => countLive(runtime.db, runtime.env.WORKER_DEAD_AFTER_MS),
            periodMs: runtime.env.WORKER_HEARTBEAT_MS,
            onChange: (live) => this.tellWorkers(live),
          })
        : null;
    const now = this.health.health();
    if (!now.ok) this.degradedReason = now.reason ?? "The database is unreachable";
    this.timers.push(
      setInterval(() => this.heartbeat(), options.heartbeatMs),
      setInterval(() => void this.statsTick(), options.statsIntervalMs),
      setInterval(
        () => {
          for (const c of this.channels.values()) c.flushProgress();
        },
        Math.max(25, Math.floor(options.progressIntervalMs / 2)),
      ),
    );
    for (const timer of this.timers) timer.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const credential = this.accounts ? credentialOf(req.headers) : null;
    if (this.stopping) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const address = req.socket.remoteAddress ?? "unknown";
    // ws completes a valid handshake synchronously, so upgrades cannot slip past the count between
    // two checks; a handshake it rejects never reaches the callback and takes nothing.
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (this.perAddress.tryTake(address)) this.accept(ws, address).credential = credential;
      else this.refuse(ws);
    });
  }

  stats() {
    let subscriptions = 0;
    for (const channel of this.channels.values()) subscriptions += channel.subscribers.size;
    return { clients: this.connections.size, subscriptions, channels: this.channels.size };
  }

  async stop(graceMs: number) {
    if (this.stopping) return;
    this.stopping = true;
    this.unsubscribeBus();
    this.unsubscribeHealth();
    this.unsubscribeAccess();
    for (const timer of this.timers) clearInterval(timer);
    this.workerPresence?.stop();
    const open = [...this.connections];
    const closed = Promise.all(
      open.map(
        (c) =>
          new Promise<void>((resolve) =>
            c.ws.readyState === c.ws.CLOSED ? resolve() : c.ws.once("close", () => resolve()),
          ),
      ),
    );
    for (const connection of open) {
      connection.send({
        type: "reconnect",
        reason: "The server is restarting; reconnect and resubscribe with lastSeq",
      });
      connection.ws.close(CLOSE_SERVICE_RESTART, "server restarting");
    }
    // Clients normally answer the close at once; a minimum wait lets the frames leave even with graceMs 0.
    const waitMs = Math.max(100, Math.min(graceMs, 5_000));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    for (const connection of open) connection.ws.terminate();
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
    this.wss.close();
  }

  private accept(ws: WebSocket, address: string): Connection {
    const connection = new Connection(ws, address, this.options, this.options.maxMessagesPerSecond, (c) =>
      this.cutSlow(c),
    );
    this.connections.add(connection);
    ws.on("pong", () => (connection.alive = true));
    ws.on("message", (data, isBinary) => this.receive(connection, data, isBinary));
    ws.on("close", () => this.drop(connection));
    // Errors (a 1009 for an oversized frame, a reset) are followed by close; nothing else to do.
    ws.on("error", (e) => log().debug({ err: e, clientId: connection.id }, "realtime socket error"));
    connection.send({ type: "connected", clientId: connection.id, timestamp: new Date().toISOString() });
    if (this.degradedReason !== null) connection.send({ type: "degraded", reason: this.degradedReason });
    return connection;
  }

  /** One socket too many from its address: say which limit, then close. */
  private refuse(ws: WebSocket) {
    ws.on("error", () => {});
    const limit = this.options.maxConnectionsPerAddress;
    const message = `Too many connections from this address: at most ${limit} at once (WS_MAX_CONNECTIONS_PER_ADDRESS); close another first`;
    ws.send(encode({ type: "error", error: { code: "too_many_connections", message } }));
    ws.close(CLOSE_POLICY_VIOLATION, "too many connections from this address");
    setTimeout(() => ws.terminate(), 1000).unref();
  }

  private receive(connection: Connection, data: RawData, isBinary: boolean) {
    if (connection.closed) return;
    const verdict = connection.rate.take();
    if (verdict !== "accepted") return this.overRate(connection, verdict === "abusive");
    if (isBinary) {
      connection.send({
        type: "error",
        error: { code: "invalid_message", message: "Messages must be JSON text frames" },
      });
      return;
    }
    const parsed = parseClientMessage(data.toString());
    if (!parsed.ok) {
      connection.send({ type: "error", error: { code: parsed.code, message: parsed.message } });
      return;
    }
    void connection.inbox
      .run(() => this.handle(connection, parsed.message))
      .catch((e) => {
        log().error({ err: e, clientId: connection.id }, "realtime message failed");
        connection.send({
          type: "error",
          error: { code: "internal", message: "The server could not handle this message; try again" },
        });
      });
  }

  /** A message over the rate is refused with an error; a client that keeps it up is closed. */
  private overRate(connection: Connection, abusive: boolean) {
    const limit = this.options.maxMessagesPerSecond;
    if (!abusive) {
      const message = `Too many messages: at most ${limit} per second per connection (WS_MAX_MESSAGES_PER_SECOND); this one was ignored`;
      connection.send({ type: "error", error: { code: "rate_limited", message } });
      return;
    }
    log().warn(
      { clientId: connection.id, address: connection.address },
      "realtime client far over the message rate; closing it",
    );
    connection.send({
      type: "error",
      error: {
        code: "rate_limited",
        message: `Closed: far more than ${limit} messages per second (WS_MAX_MESSAGES_PER_SECOND)`,
      },
    });
    this.drop(connection);
    connection.close(CLOSE_POLICY_VIOLATION, "message rate limit exceeded");
  }

  private async handle(connection: Connection, message: ClientMessage) {
    if (connection.closed) return;
    switch (message.type) {
      case "ping":
        connection.send({ type: "pong" });
        return;
      case "unsubscribe": {
        const executionId = executionIdOfChannel(message.channel);
        const subscription = executionId && connection.subscriptions.get(executionId);
        if (subscription) this.removeSubscription(subscription);
        connection.send({ type: "unsubscribed", channel: message.channel });
        return;
      }
      case "subscribe":
        if (this.accounts && !(await this.admitSubscribe(connection, message.executionId, message.token))) return;
        return this.subscribe(connection, message.executionId, message.lastSeq);
    }
  }

  private async subscribe(connection: Connection, executionId: string, lastSeq: number | undefined) {
    const limit = this.options.maxSubscriptionsPerSocket;
    // Messages of one socket are handled one at a time, so the count cannot move under this check.
    if (!connection.subscriptions.has(executionId) && connection.subscriptions.size >= limit) {
      const message = `Too many subscriptions: at most ${limit} per connection (WS_MAX_SUBSCRIPTIONS); unsubscribe from one first`;
      connection.send({ type: "error", error: { code: "too_many_subscriptions", message } });
      return;
    }
    const channel = this.channelFor(executionId);
    const subscription = await channel.run(() => {
      if (channel.missing || channel.broken || connection.closed) return null;
      // Subscribing again (a client that saw a gap) replaces the previous subscription.
      const previous = connection.subscriptions.get(executionId);
      if (previous) this.removeSubscription(previous, { keepChannel: true });
      const created = new Subscription(connection, executionId, lastSeq ?? channel.delivered, lastSeq !== undefined);
      channel.subscribers.add(created);
      connection.subscriptions.set(executionId, created);
      connection.send({ type: "subscribed", executionId, channel: channelOf(executionId), seq: channel.delivered });
      return created;
    });
    if (subscription) this.greetWithWorkers(connection);
    if (!subscription) {
      if (channel.missing)
        connection.send({
          type: "error",
          error: { code: "not_found", message: `Execution ${executionId} does not exist` },
        });
      if (channel.broken)
        connection.send({
          type: "error",
          error: { code: "unavailable", message: "The server could not read this execution; subscribe again shortly" },
        });
      // A broken channel is forgotten so the next subscribe tries the database again.
      if (channel.broken && this.channels.get(executionId) === channel) this.channels.delete(executionId);
      this.closeChannelIfUnused(channel);
      return;
    }
    if (subscription.replaying) {
      // Not awaited: the next message of this client (say an unsubscribe) must not wait for a long
      // replay. Its replays run one at a time, each at the pace the client reads.
      void connection.replays
        .run(() => replay(subscription, this.replayDeps))
        .catch((e) => {
          log().error({ err: e, executionId }, "realtime replay failed");
          // The client cannot trust its stream any more; closing makes it resubscribe from its lastSeq.
          connection.close(1011, "replay failed");
        });
    }
  }

  private channelFor(executionId: string): Channel {
    let channel = this.channels.get(executionId);
    if (!channel) {
      channel = new Channel(executionId, this.channelDeps);
      this.channels.set(executionId, channel);
    }
    return channel;
  }

  private removeSubscription(subscription: Subscription, options: { keepChannel?: boolean } = {}) {
    subscription.cancel();
    const { connection, executionId } = subscription;
    if (connection.subscriptions.get(executionId) === subscription) connection.subscriptions.delete(executionId);
    const channel = this.channels.get(executionId);
    if (!channel) return;
    channel.subscribers.delete(subscription);
    if (!options.keepChannel) this.closeChannelIfUnused(channel);
  }

  private closeChannelIfUnused(channel: Channel) {
    if (channel.subscribers.size > 0 || this.channels.get(channel.executionId) !== channel) return;
    this.channels.delete(channel.executionId);
    channel.close();
    this.workerPresence?.setWatched(this.channels.size > 0);
  }

  /** A new watcher hears the workers' count at once when it is known (else as soon as the first count lands). */
  private greetWithWorkers(connection: Connection) {
    if (!this.workerPresence) return;
    this.workerPresence.setWatched(true);
    const live = this.workerPresence.current;
    if (live !== null) connection.send({ type: "workers", live });
  }

  private tellWorkers(live: number) {
    for (const connection of this.connections) {
      if (connection.subscriptions.size > 0) connection.send({ type: "workers", live });
    }
  }

  /** A closed socket leaves nothing behind. */
  private drop(connection: Connection) {
    if (connection.closed) return;
    connection.closed = true;
    this.connections.delete(connection);
    this.perAddress.release(connection.address);
    for (const subscription of [...connection.subscriptions.values()]) this.removeSubscription(subscription);
  }

  private cutSlow(connection: Connection) {
    log().info(
      { clientId: connection.id, bufferedBytes: connection.ws.bufferedAmount },
      "realtime client too slow; closing it",
    );
    this.drop(connection);
    connection.close(CLOSE_TOO_SLOW, "too slow: reconnect and resubscribe with lastSeq");
  }

  /** Watchers hear at once that the database went away or came back, instead of a silent freeze. */
  private healthChanged(health: DatabaseHealth) {
    const reason = health.ok ? null : (health.reason ?? "The database is unreachable");
    if (reason === this.degradedReason) return;
    const wasDegraded = this.degradedReason !== null;
    this.degradedReason = reason;
    if (reason !== null) {
      for (const connection of this.connections) connection.send({ type: "degraded", reason });
      return;
    }
    if (!wasDegraded) return;
    for (const connection of this.connections) connection.send({ type: "recovered" });
    // Notifications sent while the database was away may be lost: read every watched log now.
    void this.statsTick();
  }

  /**
   * With AUTH=on, whether this subscribe may go on (else the client has been told why). A token in the message
   * becomes the socket's credential for later subscribes once it proves to be a live one. A revocation announced
   * while the judgement reads the database is heard too: it would otherwise find no key on the socket yet.
   */
  private async admitSubscribe(connection: Connection, executionId: string, token: string | undefined) {
    const credential = token ? ({ kind: "token", secret: token } as const) : connection.credential;
    const heard = new Set<string>();
    this.judging.set(connection, heard);
    let verdict: Awaited<ReturnType<typeof judgeSubscribe>>;
    try {
      verdict = await judgeSubscribe(this.runtime.db, credential, executionId);
    } finally {
      this.judging.delete(connection);
    }
    if (verdict.ok && verdict.accessKeys.some((key) => heard.has(key))) {
      verdict = { ok: false, code: "unauthenticated" };
    }
    if (verdict.ok || verdict.code === "not_found") connection.credential = credential;
    if (!verdict.ok) {
      connection.send({ type: "error", error: refusalOf(verdict.code, executionId) });
      return false;
    }
    for (const key of verdict.accessKeys) connection.accessKeys.add(key);
    return true;
  }

  /**
   * A session ended, a token was revoked or a member's role changed: the sockets that hold it are told and closed
   * at once. A client that still may watch reconnects and is judged again at its next subscribe.
   */
  private accessChanged(keys: string[]) {
    const revoked = new Set(keys);
    for (const heard of this.judging.values()) for (const key of keys) heard.add(key);
    for (const connection of [...this.connections]) {
      if (![...connection.accessKeys].some((key) => revoked.has(key))) continue;
      connection.send({
        type: "error",
        error: { code: "unauthenticated", message: "Your access changed (signed out, token revoked or role changed)" },
      });
      this.drop(connection);
      connection.close(CLOSE_ACCESS_CHANGED, "access changed");
    }
  }

  private heartbeat() {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.ws.terminate(); // its close event drops it
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }

  /**
   * Every statsIntervalMs, one query for all watched executions: a stats_update for each that had
   * activity, and a log read for any whose last seq is past what was delivered (a lost notification).
   */
  private async statsTick() {
    if (this.statsTickRunning || this.channels.size === 0) return;
    this.statsTickRunning = true;
    try {
      const heads = await findExecutionHeads(this.runtime.db, [...this.channels.keys()]);
      for (const head of heads) {
        const channel = this.channels.get(head.id);
        if (!channel || channel.missing || channel.broken) continue;
        if (channel.activity) {
          channel.activity = false;
          void channel.sendStats(head).catch((e) => log().warn({ err: e }, "realtime stats_update failed"));
        } else if (head.lastEventSeq > channel.delivered) {
          void channel.catchUp().catch((e) => log().warn({ err: e }, "realtime catch-up failed"));
        }
      }
    } catch (e) {
      log().warn({ err: e }, "realtime stats tick failed");
    } finally {
      this.statsTickRunning = false;
    }
  }
}

function refusalOf(code: "unauthenticated" | "not_found", executionId: string): { code: string; message: string } {
  return code === "unauthenticated"
    ? {
        code,
        message:
          'Sign in, or send an API token (a "token" field in subscribe, or Authorization: Bearer on the handshake)',
      }
    : // The same answer as for an execution that does not exist: an id the caller may not see is unknown to them.
      { code, message: `Execution ${executionId} does not exist` };
}

/** How long an event took from being written to reaching this hub (clocks of two processes may differ a little). */
function observeEventLag(timestamp: string) {
  const lagMs = Date.now() - Date.parse(timestamp);
  if (Number.isFinite(lagMs)) metrics().eventLagSeconds.observe(Math.max(0, lagMs) / 1000);
}
