/**
 * What one abusive WebSocket client costs everyone else (issue 10, finding 3), against a server that is
 * already running: it starts nothing itself, and talks to the server only through its public API.
 *
 *   npx tsx scripts/measure-ws-abuse.ts http://127.0.0.1:3000 [--execution <id>] [--rows 5000] [--pad 2000]
 *
 * Without --execution it first creates one through the API: a simulated batch of --rows rows of 0 ms
 * jobs, each row carrying --pad bytes (they come back in every job_completed, so the log grows by about
 * rows × pad bytes), run at concurrency 10 until it completes.
 *
 * Then, while timing GET /api/health back to back (p50 / p99 / max):
 *   0. baseline: nothing else going on;
 *   1. one socket asks for one full replay (subscribe lastSeq 0) of that execution: its size and time;
 *   2. one socket sends 300 `subscribe lastSeq:0` of that execution at once;
 *   3. one socket sends 5,000 subscribes to random ids at once.
 * Each phase ends when its socket is closed, or has received nothing for 3 s, or after 120 s; health is
 * timed for at least 3 s of each.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { WebSocket } from "ws";

interface Options {
  base: string;
  executionId: string | null;
  rows: number;
  pad: number;
}

function parseArgs(argv: string[]): Options {
  const [base, ...rest] = argv;
  if (!base || !/^https?:\/\//.test(base)) {
    console.error(
      "usage: npx tsx scripts/measure-ws-abuse.ts <server URL, e.g. http://127.0.0.1:3000> [--execution <id>] [--rows 5000] [--pad 2000]",
    );
    process.exit(2);
  }
  const flag = (name: string) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  return {
    base: base.replace(/\/+$/, ""),
    executionId: flag("execution") ?? null,
    rows: Number(flag("rows") ?? 5_000),
    pad: Number(flag("pad") ?? 2_000),
  };
}

async function api<T>(base: string, path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(base + path, init);
  const body = (await response.json()) as T;
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

async function createLargeExecution({ base, rows, pad }: Options): Promise<string> {
  const started = Date.now();
  const { project } = await api<{ project: { id: string } }>(
    base,
    "/api/projects",
    json({ name: "WebSocket abuse measurement" }),
  );
  const filler = "x".repeat(pad);
  const csv =
    ["url,notes", ...Array.from({ length: rows }, (_, i) => `https://example.com/${i + 1},${filler}`)].join("\n") +
    "\n";
  const form = new FormData();
  form.append("file", new Blob([csv], { type: "text/csv" }), "abuse.csv");
  form.append("name", `${rows} rows of ${pad} bytes`);
  form.append("agent", JSON.stringify({ engine: "simulated", simulate: { durationMs: 0, failRate: 0 } }));
  const { batch } = await api<{ batch: { id: string } }>(base, `/api/projects/${project.id}/batches`, {
    method: "POST",
    body: form,
  });
  const { execution } = await api<{ execution: { id: string } }>(
    base,
    `/api/batches/${batch.id}/executions`,
    json({ mode: "production", concurrency: 10 }),
  );
  for (;;) {
    const { execution: now } = await api<{ execution: { status: string; lastEventSeq: number } }>(
      base,
      `/api/executions/${execution.id}`,
    );
    if (now.status === "completed") {
      console.log(
        `created execution ${execution.id}: ${rows} jobs, ${now.lastEventSeq} retained events, uploaded and run in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      return execution.id;
    }
    await sleep(500);
  }
}

/** Times GET /api/health back to back until stopped. */
function timeHealth(base: string) {
  const samples: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await fetch(`${base}/api/health`);
        await response.arrayBuffer();
        if (!response.ok) failures++;
      } catch {
        failures++;
      }
      samples.push(performance.now() - started);
      await sleep(10);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return summarize(samples, failures);
  };
}

function summarize(samples: number[], failures: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  return `health: ${sorted.length} requests, p50 ${ms(at(0.5))}, p99 ${ms(at(0.99))}, max ${ms(sorted.at(-1) ?? 0)}${failures ? `, ${failures} failed` : ""}`;
}

/** Opens a socket, sends `messages` at once after `connected`, and reports what came back. */
async function abuse(wsUrl: string, messages: () => unknown[]) {
  const ws = new WebSocket(wsUrl);
  const byType = new Map<string, number>();
  const errors = new Map<string, number>();
  let bytes = 0;
  let lastMessageAt = Date.now();
  let closeCode: number | null = null;
  const started = Date.now();
  ws.on("error", () => {});
  ws.on("close", (code) => (closeCode = code));
  ws.on("message", (data) => {
    lastMessageAt = Date.now();
    const frame = data as Buffer;
    bytes += frame.length;
    // Only the type is needed: parsing gigabytes of replayed events would make this client the bottleneck.
    const type = /"type":"([a-z_]+)"/.exec(frame.toString("utf8", 0, 40))?.[1] ?? "unknown";
    byType.set(type, (byType.get(type) ?? 0) + 1);
    if (type === "error") {
      const { error } = JSON.parse(frame.toString()) as { error: { code: string } };
      errors.set(error.code, (errors.get(error.code) ?? 0) + 1);
    }
    if (type === "connected") for (const m of messages()) ws.send(JSON.stringify(m));
  });
  while (closeCode === null && Date.now() - lastMessageAt < 3_000 && Date.now() - started < 120_000) await sleep(50);
  const elapsed = (Math.max(lastMessageAt, started) - started) / 1000;
  ws.terminate();
  const types = [...byType].map(([t, n]) => `${t} ${n}`).join(", ");
  const codes = [...errors].map(([c, n]) => `${c} ${n}`).join(", ");
  return `received ${(bytes / 1024 / 1024).toFixed(1)} MiB in ${elapsed.toFixed(1)} s (${types})${codes ? `; errors: ${codes}` : ""}; closed: ${closeCode ?? "no"}`;
}

/** Health is timed for the whole phase, and at least 3 s, so a short phase still gets a distribution. */
async function phase(name: string, base: string, work: () => Promise<string>) {
  const startedAt = new Date().toISOString().slice(11, 23);
  const stop = timeHealth(base);
  const [outcome] = await Promise.all([work(), sleep(3_000)]);
  console.log(`${name} (from ${startedAt} UTC)\n  ${outcome}\n  ${await stop()}`);
}

const options = parseArgs(process.argv.slice(2));
const wsUrl = `${options.base.replace(/^http/, "ws")}/api/ws/executions`;
const executionId = options.executionId ?? (await createLargeExecution(options));
const subscribe = (id: string) => ({ type: "subscribe", executionId: id, lastSeq: 0 });

await phase("0. baseline (3 s, nothing else)", options.base, async () => "idle");
await phase("1. one full replay on one socket", options.base, () => abuse(wsUrl, () => [subscribe(executionId)]));
await phase("2. 300 subscribe lastSeq:0 of it at once on one socket", options.base, () =>
  abuse(wsUrl, () => Array.from({ length: 300 }, () => subscribe(executionId))),
);
await phase("3. 5,000 subscribes to random ids at once on one socket", options.base, () =>
  abuse(wsUrl, () => Array.from({ length: 5_000 }, () => subscribe(randomUUID()))),
);
