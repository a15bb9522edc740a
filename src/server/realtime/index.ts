import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Runtime } from "../runtime";
import { DEFAULT_HUB_OPTIONS, type HubOptions, RealtimeHub } from "./hub";

export type { HealthSource, HubOptions } from "./hub";

/** The WebSocket endpoint /api/ws/executions of this process. */
export interface Hub {
  /** For `server.on("upgrade")` on the endpoint's path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Tells every client to reconnect, closes them with 1012, and waits for them up to graceMs. */
  stop(graceMs: number): Promise<void>;
  stats(): { clients: number; subscriptions: number; channels: number };
}

/** The limits come from the environment (WS_*); the other options are for tests and benchmarks. */
export function startHub(runtime: Runtime, options: Partial<HubOptions> = {}): Hub {
  const { env } = runtime;
  return new RealtimeHub(runtime, {
    ...DEFAULT_HUB_OPTIONS,
    maxSubscriptionsPerSocket: env.WS_MAX_SUBSCRIPTIONS,
    maxConnectionsPerAddress: env.WS_MAX_CONNECTIONS_PER_ADDRESS,
    maxMessagesPerSecond: env.WS_MAX_MESSAGES_PER_SECOND,
    ...options,
  });
}
