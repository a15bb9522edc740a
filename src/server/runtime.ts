import { randomUUID } from "node:crypto";
import os from "node:os";
import type { Database, Db } from "./db/client";
import { openDatabase } from "./db/client";
import { type Env, env as readEnv } from "./env";
import { type EventBus, MemoryBus, PostgresBus } from "./events/bus";
import { log } from "./log";
import { processWide } from "./process-wide";

/** A part of the runtime that runs in the background and must be stopped on shutdown. */
export interface Service {
  stop(graceMs: number): Promise<void>;
}

export type Role = "all" | "web" | "worker";

/**
 * The one process-wide runtime, started once by server.ts (or a test) and found by route handlers through
 * getRuntime(): it is kept in the process-wide holder, since Next.js bundles route handlers apart from server.ts.
 */
export interface Runtime {
  env: Env;
  role: Role;
  database: Database;
  db: Db;
  bus: EventBus;
  workerId: string;
  /** Background services by name (scheduler, hub, …), stopped in reverse order on shutdown. */
  services: Map<string, Service>;
}

const started = processWide("runtime", (): { runtime?: Runtime } => ({}));

export interface StartOptions {
  env?: Env;
  role?: Role;
  /** Overrides env: "memory" for an in-memory PGlite (tests). */
  dataDir?: string;
  databaseUrl?: string;
}

export async function startRuntime(options: StartOptions = {}): Promise<Runtime> {
  if (started().runtime) throw new Error("The runtime is already started in this process");
  const env = options.env ?? readEnv();
  const url = options.databaseUrl ?? env.DATABASE_URL;
  const database = await openDatabase({
    url,
    dataDir: options.dataDir ?? env.DATA_DIR,
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    maxConnections: env.DATABASE_POOL_SIZE,
  });
  const bus = database.kind === "postgres" ? await PostgresBus.create(database) : new MemoryBus();
  const runtime: Runtime = {
    env,
    role: options.role ?? env.FLEETDECK_ROLE,
    database,
    db: database.db,
    bus,
    workerId: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    services: new Map(),
  };
  started().runtime = runtime;
  return runtime;
}

export function getRuntime(): Runtime {
  const runtime = started().runtime;
  if (!runtime) throw new Error("The fleetdeck runtime has not been started in this process");
  return runtime;
}

export function hasRuntime(): boolean {
  return started().runtime !== undefined;
}

export async function stopRuntime(graceMs = 0): Promise<void> {
  const runtime = started().runtime;
  if (!runtime) return;
  for (const [name, service] of [...runtime.services].reverse()) {
    try {
      await service.stop(graceMs);
    } catch (e) {
      log().error({ err: e }, `stopping ${name} failed`);
    }
  }
  runtime.services.clear();
  await runtime.bus.close();
  await runtime.database.close();
  started().runtime = undefined;
}
