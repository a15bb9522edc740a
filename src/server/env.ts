import path from "node:path";
import { z } from "zod";
import { modelPricesSchema } from "@/lib/contract/agent";
import { processWide } from "./process-wide";

/** The only reader of process.env: configuration is parsed once and fails fast with the variable's name. */
const intFrom = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

const emptyAsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** LLM_PRICES: JSON { "<model>": { "inputPerMillion": n, "outputPerMillion": n } }, US dollars per million tokens. */
const pricesFromJson = z.string().transform((text, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "not valid JSON" });
    return z.NEVER;
  }
  const prices = z.record(z.string(), modelPricesSchema).safeParse(parsed);
  if (!prices.success) {
    ctx.addIssue({
      code: "custom",
      message: 'must map model names to { "inputPerMillion": number, "outputPerMillion": number }',
    });
    return z.NEVER;
  }
  return prices.data;
});

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: intFrom(3000, 0, 65535),
  // Loopback by default: exposing fleetdeck is a deliberate choice (see README "Security").
  HOST: z.string().default("127.0.0.1"),
  /** Origins besides the app's own that may make state-changing requests (comma-separated, e.g. https://ops.example.com). */
  ALLOWED_ORIGINS: z.string().default(""),
  /** Host names besides loopback that requests may address (comma-separated); guards against DNS rebinding. */
  ALLOWED_HOSTNAMES: z.string().default(""),
  /** The address people use to reach fleetdeck (e.g. https://fleetdeck.example.com); its host and origin are allowed. */
  PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Accounts, roles and tokens (README "Teams"); required whenever HOST is not a loopback address. */
  AUTH: z.enum(["on", "off"], { error: 'must be "on" or "off"' }).default("off"),
  /** How long a sign-in lasts. */
  SESSION_DAYS: intFrom(14, 1, 365),
  /** Failed sign-ins allowed per account, and per client address, in LOGIN_WINDOW_MINUTES. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: intFrom(5, 1, 10_000),
  LOGIN_MAX_FAILURES_PER_ADDRESS: intFrom(20, 1, 100_000),
  LOGIN_WINDOW_MINUTES: intFrom(15, 1, 24 * 60),
  /** Single sign-on through OpenID Connect: all three, or none. */
  OIDC_ISSUER: z.preprocess(emptyAsUnset, z.url({ protocol: /^https?$/ }).optional()),
  OIDC_CLIENT_ID: z.preprocess(emptyAsUnset, z.string().optional()),
  OIDC_CLIENT_SECRET: z.preprocess(emptyAsUnset, z.string().optional()),
  DATA_DIR: z.string().default("./.data"),
  DATABASE_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  MAX_CONCURRENCY: intFrom(10, 1, 1000),
  ALLOWED_HOSTS: z.string().default(""),
  CHROMIUM_PATH: z.string().optional(),
  FLEETDECK_ROLE: z.enum(["all", "web", "worker"]).default("all"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MAX_UPLOAD_BYTES: intFrom(50 * 1024 * 1024, 1, 2 ** 31),
  MAX_BATCH_ROWS: intFrom(100_000, 1, 10_000_000),
  MAX_CSV_COLUMNS: intFrom(1_000, 1, 100_000),
  /** A JSON upload is parsed whole on the server's thread: larger CSVs go as multipart, which streams. */
  MAX_JSON_UPLOAD_BYTES: intFrom(4 * 1024 * 1024, 1024, 2 ** 31),
  /** What one extracted field, and one job's whole result, may hold; longer values are truncated and marked. */
  MAX_FIELD_BYTES: intFrom(64 * 1024, 256, 64 * 1024 * 1024),
  MAX_RESULT_BYTES: intFrom(1024 * 1024, 1024, 256 * 1024 * 1024),
  /** WebSocket limits: subscriptions per socket, sockets per client address, messages per second per socket. */
  WS_MAX_SUBSCRIPTIONS: intFrom(20, 1, 10_000),
  WS_MAX_CONNECTIONS_PER_ADDRESS: intFrom(50, 1, 100_000),
  WS_MAX_MESSAGES_PER_SECOND: intFrom(50, 1, 100_000),
  /** A worker beats this often; one silent for WORKER_DEAD_AFTER_MS is dead and its jobs go back to the queue. */
  WORKER_HEARTBEAT_MS: intFrom(1_000, 100, 60_000),
  WORKER_DEAD_AFTER_MS: intFrom(3_000, 300, 600_000),
  /** How long a query waits for a database connection before answering 503 unavailable. */
  DB_CONNECT_TIMEOUT_MS: intFrom(3_000, 100, 120_000),
  /** PostgreSQL connections a process pools (plus one for LISTEN): processes × (this + 1) must fit max_connections. */
  DATABASE_POOL_SIZE: intFrom(10, 1, 1_000),
  PRICE_PER_AGENT_MINUTE: z.coerce.number().min(0).default(0.01),
  DEFAULT_JOB_DURATION_MS: intFrom(6_000, 1, 3_600_000),
  LEASE_SECONDS: intFrom(30, 2, 3600),
  RETRY_BASE_MS: intFrom(1000, 0, 600_000),
  WORKER_SLOTS: intFrom(20, 1, 10_000),
  SCHEDULER_POLL_MS: intFrom(5000, 50, 600_000),
  SHUTDOWN_GRACE_MS: intFrom(10_000, 0, 600_000),
  /** The goal-driven agent's model (README "The goal-driven agent"); the key is never logged or shown. */
  LLM_BASE_URL: z.preprocess(emptyAsUnset, z.url({ protocol: /^https?$/ }).optional()),
  LLM_API_KEY: z.preprocess(emptyAsUnset, z.string().optional()),
  LLM_MODEL: z.preprocess(emptyAsUnset, z.string().trim().min(1).max(200).optional()),
  LLM_PRICES: z.preprocess(emptyAsUnset, pricesFromJson.optional()),
  SEED_DEMO: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
});

const checked = schema.superRefine((e, ctx) => {
  const oidc = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].filter((v) => v !== undefined).length;
  if (oidc !== 0 && oidc !== 3)
    ctx.addIssue({
      code: "custom",
      path: ["OIDC_ISSUER"],
      message: "single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together",
    });
  if (oidc === 3 && e.AUTH !== "on")
    ctx.addIssue({ code: "custom", path: ["AUTH"], message: "single sign-on (OIDC_*) needs AUTH=on" });
  if (e.AUTH !== "on" && !isLoopbackBind(e.HOST))
    ctx.addIssue({
      code: "custom",
      path: ["HOST"],
      message:
        `fleetdeck would listen on ${e.HOST}, beyond this machine, with no access control. ` +
        'Set AUTH=on (README "Teams") to expose it, or HOST=127.0.0.1 to keep it local',
    });
});

export type Env = z.infer<typeof schema>;

/** A bind address that only this machine can reach. */
export function isLoopbackBind(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = checked.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return { ...parsed.data, DATA_DIR: path.resolve(parsed.data.DATA_DIR) };
}

/** Process-wide configuration, read on first use (before the runtime starts too: scripts and tests call it). */
export const env: () => Env = processWide("env", () => loadEnv());

const listOf = (value: string) =>
  value
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);

export function allowedHosts(e: Env = env()): string[] {
  return listOf(e.ALLOWED_HOSTS);
}

export function allowedOrigins(e: Env = env()): string[] {
  return listOf(e.ALLOWED_ORIGINS).map((o) => o.replace(/\/+$/, ""));
}

export function authOn(e: Env = env()): boolean {
  return e.AUTH === "on";
}

export function allowedHostnames(e: Env = env()): string[] {
  return listOf(e.ALLOWED_HOSTNAMES);
}
