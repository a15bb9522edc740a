import { createServer, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import next from "next";
import { EXECUTIONS_WS_PATH } from "./src/lib/contract/events";
import { callerOf } from "./src/server/auth/caller";
import { afterListen, startBackground, upgradeHandler } from "./src/server/boot";
import { isDatabaseUnavailable } from "./src/server/db/unavailable";
import { loadEnv } from "./src/server/env";
import { exposureNotice, frontDoor } from "./src/server/http/front-door";
import { log } from "./src/server/log";
import { type Runtime, startRuntime, stopRuntime } from "./src/server/runtime";

async function main() {
  const env = loadEnv();
  const startedAt = Date.now();
  const runtime = await startWithRetry(env);
  await startBackground(runtime);

  let http: Awaited<ReturnType<typeof serveHttp>> | null = null;
  if (runtime.role !== "worker") {
    http = await serveHttp(runtime);
    await afterListen(runtime, http.port);
  }

  const where = http ? `http://localhost:${http.port}` : "running (no HTTP)";
  const exposure = http ? exposureNotice(env) : null;
  if (exposure) log().warn(exposure);
  log().info({ role: runtime.role, data: runtime.database.location, ms: Date.now() - startedAt }, "fleetdeck ready");
  // A plain line for people (and for tests that start the server on port 0).
  console.log(
    `fleetdeck ${runtime.role === "worker" ? "worker" : "ready at"} ${where} · data: ${runtime.database.location}`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log().info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), env.SHUTDOWN_GRACE_MS + 10_000).unref();
    try {
      // No new connections; running jobs finish and WebSocket clients are told to reconnect; then the rest closes.
      http?.stopAccepting();
      await stopRuntime(env.SHUTDOWN_GRACE_MS);
      await http?.closeAll();
    } finally {
      clearTimeout(force);
      process.exit(0);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

/** A process that cannot reach PostgreSQL yet keeps trying with backoff instead of crash-looping. */
async function startWithRetry(env: ReturnType<typeof loadEnv>): Promise<Runtime> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRuntime({ env });
    } catch (e) {
      if (!env.DATABASE_URL || !isDatabaseUnavailable(e)) throw e;
      const waitMs = Math.min(30_000, 500 * 2 ** Math.min(6, attempt));
      log().warn(
        { attempt, waitMs },
        `cannot reach the database (${(e as Error).message}); retrying in ${Math.round(waitMs / 1000)} s`,
      );
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

async function serveHttp(
  runtime: Runtime,
): Promise<{ port: number; stopAccepting: () => void; closeAll: () => Promise<void> }> {
  const dev = runtime.env.NODE_ENV !== "production";
  const app = next({ dev, dir: process.cwd(), turbopack: dev });
  await app.prepare();
  const handle = app.getRequestHandler();
  const door = frontDoor(runtime.env, { dev, lookup: (credential) => callerOf(runtime.db, credential) });
  const server = createServer((req, res) => {
    door
      .admit(req, res)
      .then((answered) => (answered ? undefined : handle(req, res)))
      .catch((e) => {
        log().error({ err: e, url: req.url }, "request failed before reaching a route");
        if (!res.headersSent) res.writeHead(500).end();
      });
  });

  // Next's dev server attaches its own upgrade listener (for /_next HMR) on its first request; ours routes
  // the WebSocket endpoint and closes every other upgrade, and any /_next one that no dev server takes.
  const upgradeExecutions = upgradeHandler(runtime);
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!door.admitUpgrade(req, socket)) return;
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname === EXECUTIONS_WS_PATH) return upgradeExecutions(req, socket, head);
    if (dev && pathname.startsWith("/_next/")) {
      setTimeout(() => {
        if ((socket as Socket).bytesWritten === 0) socket.destroy(); // nobody answered it
      }, 1000).unref();
      return;
    }
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(runtime.env.PORT, runtime.env.HOST, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : runtime.env.PORT,
    stopAccepting: () => void server.close(),
    async closeAll() {
      server.closeAllConnections();
      await app.close?.();
    },
  };
}

main().catch((e) => {
  console.error(`fleetdeck could not start: ${e instanceof Error ? e.message : String(e)}`);
  log().debug({ err: e }, "start-up failure");
  process.exit(1);
});
