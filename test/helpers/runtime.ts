import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { type Env, loadEnv } from "@/server/env";
import { type Runtime, startRuntime, stopRuntime } from "@/server/runtime";

/** The databases every integration test runs on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const DATABASES: ("pglite" | "postgres")[] = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

export interface TestRuntime {
  runtime: Runtime;
  stop(): Promise<void>;
}

/** A fresh runtime on a fresh database: in-memory PGlite, or a new PostgreSQL database dropped afterwards. */
export async function startTestRuntime(
  kind: "pglite" | "postgres",
  overrides: Partial<Record<keyof Env, string>> = {},
): Promise<TestRuntime> {
  const env = loadEnv({ ...process.env, LOG_LEVEL: "silent", SEED_DEMO: "false", ...overrides });
  if (kind === "pglite") {
    const runtime = await startRuntime({ env, dataDir: "memory", databaseUrl: "" });
    return { runtime, stop: () => stopRuntime(0) };
  }
  const { url, drop } = await createTestDatabase();
  const runtime = await startRuntime({ env, databaseUrl: url });
  return {
    runtime,
    stop: async () => {
      await stopRuntime(0);
      await drop();
    },
  };
}

/** Creates an empty PostgreSQL database on the TEST_DATABASE_URL server. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error("TEST_DATABASE_URL is not set");
  const name = `fleetdeck_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
