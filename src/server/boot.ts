import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Runtime } from "./runtime";
import { Scheduler } from "./scheduler/scheduler";

/** Starts what runs beside the HTTP server: the scheduler and agents (worker role), the realtime hub (web role). */
export async function startBackground(runtime: Runtime): Promise<void> {
  if (runtime.role !== "web") runtime.services.set("scheduler", Scheduler.fromRuntime(runtime).start());
}

/** The handler for upgrades on the WebSocket endpoint. */
export function upgradeHandler(runtime: Runtime): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  void runtime;
  return (_req, socket) => socket.destroy();
}
