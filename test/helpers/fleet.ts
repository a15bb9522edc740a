import { loadEnv } from "@/server/env";
import { listWorkers } from "@/server/repos/workers";
import { type Runtime, startRuntime, stopRuntime } from "@/server/runtime";
import { createTestDatabase } from "./runtime";
import { type RunningServer, startServer } from "./server";
import { waitFor } from "./wait";

export interface KilledWorker {
  workerId: string;
  pid: number;
  /** Date.now() just before the SIGKILL. */
  killedAt: number;
}

/**
 * Worker processes (`server.ts` in the worker role, as in production) on a fresh PostgreSQL database, and
 * a web-role runtime in this process to create executions and read the tables. Workers can be SIGKILLed
 * and new ones started while a run goes on.
 */
export class Fleet {
  readonly workers: RunningServer[] = [];
  readonly killed: KilledWorker[] = [];

  private constructor(
    readonly runtime: Runtime,
    private readonly database: { url: string; drop: () => Promise<void> },
    private readonly workerEnv: Record<string, string>,
  ) {}

  static async start(workerEnv: Record<string, string> = {}): Promise<Fleet> {
    const database = await createTestDatabase();
    const runtime = await startRuntime({
      env: loadEnv({ ...process.env, LOG_LEVEL: "silent" }),
      role: "web",
      databaseUrl: database.url,
    });
    return new Fleet(runtime, database, workerEnv);
  }

  /** Starts a worker and waits for its row in the registry; returns it with its worker id. */
  async startWorker(env: Record<string, string> = {}): Promise<{ server: RunningServer; workerId: string }> {
    // A generous start-up limit: several workers booting at once on a loaded machine are slow to start.
    const server = await startServer(
      { FLEETDECK_ROLE: "worker", DATABASE_URL: this.database.url, ...this.workerEnv, ...env },
      { timeoutMs: 120_000 },
    );
    this.workers.push(server);
    return { server, workerId: await this.workerIdOf(server) };
  }

  async workerIdOf(server: RunningServer): Promise<string> {
    const row = await waitFor(
      async () =>
        (await listWorkers(this.runtime.db)).find((w) => w.pid === server.process.pid && w.status === "alive"),
      `worker ${server.process.pid} to register`,
    );
    return row!.id;
  }

  /** SIGKILLs a worker; it leaves `workers` for `killed`. */
  async kill(server: RunningServer): Promise<KilledWorker> {
    const workerId = await this.workerIdOf(server);
    const killedAt = Date.now();
    await server.kill();
    this.workers.splice(this.workers.indexOf(server), 1);
    const killed = { workerId, pid: server.process.pid!, killedAt };
    this.killed.push(killed);
    return killed;
  }

  /** Waits until every live worker has beaten since the last one registered, so each knows the others. */
  async acquainted(): Promise<void> {
    await waitFor(async () => {
      const alive = (await listWorkers(this.runtime.db)).filter((w) => w.status === "alive");
      const lastStart = Math.max(...alive.map((w) => w.startedAt.getTime()));
      return alive.length === this.workers.length && alive.every((w) => w.lastBeatAt.getTime() > lastStart);
    }, `${this.workers.length} live workers that know each other`);
  }

  /** Stops the live workers gracefully (SIGTERM): they release their jobs and mark themselves stopped. */
  async stopWorkers(): Promise<void> {
    await Promise.allSettled(this.workers.splice(0).map((w) => w.stop()));
  }

  /** Stops the workers, the runtime, and drops the database. */
  async close(): Promise<void> {
    await this.stopWorkers();
    await stopRuntime(0);
    await this.database.drop();
  }
}
