import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Runtime } from "../runtime";
import { DEFAULT_HUB_OPTIONS, RealtimeHub, type HubOptions } from "./hub";

export type { HubOptions } from "./hub";

/** The WebSocket endpoint /api/ws/executions of this process. */
export interface Hub {
  /** For `server.on("upgrade")` on the endpoint's path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Tells every client to reconnect, closes them with 1012, and waits for them up to graceMs. */
  stop(graceMs: number): Promise<void>;
  stats(): { clients: number; subscriptions: number; channels: number };
}

/** Options are for tests and benchmarks; production uses the defaults. */
export function startHub(runtime: Runtime, options: Partial<HubOptions> = {}): Hub {
  return new RealtimeHub(runtime, { ...DEFAULT_HUB_OPTIONS, ...options });
}
