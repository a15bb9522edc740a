import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { chromiumStatus, closeAgents } from "./agents";
import { firstAdminLink } from "./auth/bootstrap";
import { sweepUploads } from "./batches/upload-dir";
import { allowDemoSite, seedDemo } from "./demo/seed";
import { log } from "./log";
import { type Hub, startHub } from "./realtime";
import type { Runtime } from "./runtime";
import { Scheduler } from "./scheduler/scheduler";
import { WebhookSender } from "./webhooks/sender";

/**
 * Starts what runs beside the HTTP server, by role: the realtime hub (web), the agents and the
 * scheduler (worker). Services stop in reverse order: the scheduler first (its last events still
 * reach clients), then the agents' browser, then the hub.
 */
export async function startBackground(runtime: Runtime): Promise<void> {
  if (runtime.role !== "worker") await sweepUploads(runtime.env.DATA_DIR);
  if (runtime.role !== "worker") runtime.services.set("hub", startHub(runtime));
  if (runtime.role !== "web") {
    // Agents may reach the bundled demo site of the web process (same PORT in cluster mode).
    allowDemoSite(runtime.env.PORT);
    // Webhook deliveries go out wherever jobs run; stopped after the scheduler, whose last events may queue some.
    runtime.services.set("webhooks", new WebhookSender(runtime).start());
    runtime.services.set("agents", { stop: () => closeAgents() });
    runtime.services.set("scheduler", Scheduler.fromRuntime(runtime).start());
    const chromium = chromiumStatus();
    if (chromium.found) log().info({ chromium: chromium.path }, "browser engine ready");
    else console.warn(chromium.message);
  }
}

/** After the HTTP server is bound: lets agents reach the demo site on the real port, seeds the Demo project once. */
export async function afterListen(runtime: Runtime, port: number): Promise<void> {
  allowDemoSite(port);
  const link = await firstAdminLink(runtime, port);
  // A plain line for the person starting it: the only way in before anyone has an account.
  if (link) console.log(`fleetdeck has no accounts yet. Create the first admin (link valid 24 h, once): ${link}`);
  if (runtime.env.SEED_DEMO) {
    try {
      await seedDemo({ port });
    } catch (e) {
      log().error({ err: e }, "seeding the Demo project failed");
    }
  }
}

/** The handler for upgrades on the WebSocket endpoint. */
export function upgradeHandler(runtime: Runtime): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const hub = runtime.services.get("hub") as Hub | undefined;
  if (!hub) return (_req, socket) => socket.destroy();
  return (req, socket, head) => hub.handleUpgrade(req, socket, head);
}
