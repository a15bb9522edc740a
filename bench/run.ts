/**
 * `npm run bench` — measures fleetdeck against its peers on this machine and prints a markdown table;
 * the raw numbers go to bench/results/<timestamp>.json. `npm run bench -- --quick` is the short run (< 2 min
 * once the web app is built), `--only scheduler,controls,realtime,agents,ui,auth,workers` picks sections.
 * See ../docs or the README's Performance section for how to read it; shared habits in BENCH.md.
 */
import { execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";

process.env.LOG_LEVEL = "silent";
process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";
// A real gc() for memory-per-client figures, without a node flag in the npm script.
v8.setFlagsFromString("--expose-gc");
(globalThis as { gc?: () => void }).gc = vm.runInNewContext("gc") as () => void;

const { fmt, fmtSummary, summarize } = await import("./lib/stats");
const { postgresBaseUrl, postgresVersion, topWaits, mergeWaits } = await import("./lib/postgres");
const queue = await import("./sections/fleetdeck-queue");
const peers = await import("./sections/peer-queues");
const { measureControls } = await import("./sections/controls");
const { measureRealtime } = await import("./sections/realtime");
const agents = await import("./sections/agents");
const { measureUi } = await import("./sections/ui");

const root = path.resolve(import.meta.dirname, "..");
// A peer's idle pool connection cut when its database is dropped must not end the whole benchmark.
process.on("uncaughtException", (e) => {
  if ((e as { code?: string }).code === "57P01") return;
  console.error(e);
  process.exit(1);
});
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyArg = args.find((a) => a.startsWith("--only"));
const only = onlyArg
  ? (onlyArg.includes("=") ? onlyArg.split("=")[1]! : args[args.indexOf(onlyArg) + 1]!).split(",")
  : null;
const wants = (s: string) => !only || only.includes(s);

const P = quick
  ? {
      runs: 1,
      jobs: { 1: 10, 10: 40, 100: 200 } as Record<number, number>,
      rate: 10,
      rateSeconds: 1.5,
      controlRuns: 1,
      rtRuns: 1,
      rtSeconds: 1,
      rtRate: 50,
      reconnects: 3,
      httpPages: 20,
      browserPages: 6,
      agentRuns: 1,
      uiRuns: 1,
      uiJobs: 1000,
    }
  : {
      runs: 5,
      jobs: { 1: 60, 10: 300, 100: 1500 } as Record<number, number>,
      rate: 10,
      rateSeconds: 5,
      controlRuns: 3,
      rtRuns: 3,
      rtSeconds: 3,
      rtRate: 50,
      reconnects: 5,
      httpPages: 96,
      browserPages: 24,
      agentRuns: 3,
      uiRuns: 3,
      uiJobs: 1000,
    };
const LEVELS = [1, 10, 100];
const AGENT_LEVELS = [1, 5, 10];
const hasPg = Boolean(postgresBaseUrl());
const NO_PG = "n/a: set DATABASE_URL";

const out: string[] = [];
const print = (line = "") => {
  out.push(line);
  console.log(line);
};
const progress = (what: string) => process.stderr.write(`  … ${what}\n`);
const problems: string[] = [];
const json: Record<string, unknown> = {};
const real: Record<string, string> = {};
const t0 = Date.now();

function table(headers: string[], rows: string[][]) {
  print(`| ${headers.join(" | ")} |`);
  print(`|${headers.map(() => "---").join("|")}|`);
  for (const r of rows) print(`| ${r.map((c) => (c === "" ? "—" : c)).join(" | ")} |`);
  print();
}
const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${fmt(a / b, 2)}×` : "n/a";
const errText = (e: unknown) =>
  `error: ${String((e as Error)?.message ?? e)
    .split("\n")[0]!
    .slice(0, 80)}`;

// ---------------- machine ----------------
const cpus = os.cpus();
let chromium = "not found";
try {
  const { findChromium } = await import("@/server/agents/chromium");
  const p = findChromium();
  if (p)
    chromium = execSync(`${p} --version 2>/dev/null`, { encoding: "utf8" })
      .trim()
      .split("\n")
      .at(-1)!
      .replace(/^Chromium\s+/, "")
      .split(" ")[0]!;
} catch {
  /* keep "not found" */
}
const machine = {
  cores: cpus.length,
  cpu: cpus[0]?.model.trim() ?? "unknown",
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  postgres: hasPg ? ((await postgresVersion()) ?? "unreachable") : "not configured",
  chromium,
  os: `${os.type()} ${os.release()}`,
  loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(1))),
};
json.machine = machine;
json.mode = quick ? "quick" : "full";
json.params = P;

print(`## fleetdeck benchmark (${quick ? "quick" : "full"} run, ${new Date().toISOString()})`);
print();
print(
  `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB RAM, Node ${machine.node}, PostgreSQL ${machine.postgres}, Chromium ${machine.chromium}, ${machine.os}; load average at start ${machine.loadAverageAtStart.join(" ")}.`,
);
print(
  `Cells: median (min–max) over the runs shown; ratios compare medians (fleetdeck ÷ peer, above 1× = fleetdeck ahead${""}).`,
);
print();

// The UI section needs a production build; build it first (not timed) so it does not land inside a section.
if (wants("ui")) {
  progress("making sure the web app is built (scripts/ensure-build.mjs)");
  // Another build of the same tree may be running (it refuses to start twice): wait for it, a few times.
  for (let attempt = 1; attempt <= 6; attempt++) {
    try {
      execSync("node scripts/ensure-build.mjs", { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
      break;
    } catch (e) {
      progress(
        `build not ready (${
          String((e as { stderr?: Buffer }).stderr ?? e)
            .split("\n")
            .find((l) => l.trim()) ?? "failed"
        }); retrying in 30 s`,
      );
      await new Promise((r) => setTimeout(r, 30_000));
    }
  }
}

// ---------------- 1. scheduler ----------------
if (wants("scheduler")) {
  type Drain = Awaited<ReturnType<typeof queue.fleetdeckDrain>>;
  const systems: { key: string; label: string; run: (c: number, n: number) => Promise<Drain>; pg: boolean }[] = [
    { key: "fd-pglite", label: "fleetdeck PGlite", run: (c, n) => queue.fleetdeckDrain("pglite", c, n), pg: false },
    { key: "fd-pg", label: "fleetdeck PostgreSQL", run: (c, n) => queue.fleetdeckDrain("postgres", c, n), pg: true },
    { key: "pg-boss", label: "pg-boss", run: (c, n) => peers.pgbossDrain(c, n), pg: true },
    { key: "graphile", label: "graphile-worker", run: (c, n) => peers.graphileDrain(c, n), pg: true },
  ];
  const usable = systems.filter((s) => !s.pg || hasPg);
  const results = new Map<string, Drain[]>();
  const errors = new Map<string, string>();
  progress("scheduler: warm-up");
  // Warm-up, not recorded (JIT, connection set-up); PGlite's is skipped in quick mode (its start-up alone costs seconds).
  for (const s of usable) if (!quick || s.pg) await s.run(10, 10).catch((e) => errors.set(`${s.key}:warm`, errText(e)));
  for (let r = 0; r < P.runs; r++) {
    for (const c of LEVELS) {
      // Alternate, rotating who goes first, so drift on the machine does not favour one system.
      const order = usable.map((_, i) => usable[(i + r + c) % usable.length]!);
      for (const s of order) {
        progress(`scheduler: run ${r + 1}/${P.runs}, ${s.label}, concurrency ${c}, ${P.jobs[c]} jobs`);
        try {
          const res = await s.run(c, P.jobs[c]!);
          results.set(`${s.key}:${c}`, [...(results.get(`${s.key}:${c}`) ?? []), res]);
          for (const p of res.problems) problems.push(`${s.label} c=${c}: ${p}`);
        } catch (e) {
          errors.set(`${s.key}:${c}`, errText(e));
        }
      }
    }
  }
  const cell = (key: string, c: number) => {
    const rs = results.get(`${key}:${c}`);
    if (rs?.length) return fmtSummary(summarize(rs.map((x) => x.jobsPerSec)));
    if (!hasPg && key !== "fd-pglite") return NO_PG;
    return errors.get(`${key}:${c}`) ?? "error";
  };
  const med = (key: string, c: number) => summarize((results.get(`${key}:${c}`) ?? []).map((x) => x.jobsPerSec)).median;
  const waits = (key: string, c: number) => {
    const acts = (results.get(`${key}:${c}`) ?? []).flatMap((x) => (x.activity ? [x.activity] : []));
    return acts.length ? topWaits(mergeWaits(acts), 2) : NO_PG;
  };
  /** WAL written per job, median over the runs at concurrency c. */
  const walPerJob = (key: string, c: number) => {
    const perJob = (results.get(`${key}:${c}`) ?? []).flatMap((x) =>
      x.activity && Number.isFinite(x.activity.walBytes) ? [x.activity.walBytes / x.jobs] : [],
    );
    return perJob.length ? fmt(summarize(perJob).median) : NO_PG;
  };
  print(
    `### 1. Scheduler: drain throughput, jobs/s (no-op jobs, queue filled first; ${P.runs} run${P.runs > 1 ? "s" : ""}; jobs per run at c=1/10/100: ${LEVELS.map((c) => P.jobs[c]).join("/")})`,
  );
  print();
  table(
    [
      "concurrency",
      "fleetdeck PGlite",
      "fleetdeck PostgreSQL",
      "pg-boss",
      "graphile-worker",
      "fleetdeck PG ÷ pg-boss",
      "fleetdeck PG ÷ graphile-worker",
      "PG waits: fleetdeck / graphile-worker",
      "WAL bytes/job: fleetdeck / graphile-worker",
    ],
    LEVELS.map((c) => [
      String(c),
      cell("fd-pglite", c),
      cell("fd-pg", c),
      cell("pg-boss", c),
      cell("graphile", c),
      hasPg ? ratio(med("fd-pg", c), med("pg-boss", c)) : NO_PG,
      hasPg ? ratio(med("fd-pg", c), med("graphile", c)) : NO_PG,
      hasPg ? `${waits("fd-pg", c)} / ${waits("graphile", c)}` : NO_PG,
      hasPg ? `${walPerJob("fd-pg", c)} / ${walPerJob("graphile", c)}` : NO_PG,
    ]),
  );
  const startStop = usable.map((s) => {
    const all = LEVELS.flatMap((c) => results.get(`${s.key}:${c}`) ?? []);
    return [
      s.label,
      fmtSummary(summarize(all.map((x) => x.startupMs))),
      fmtSummary(summarize(all.map((x) => x.shutdownMs))),
      String(
        all.reduce((n, x) => n + x.problems.length, 0) === 0 && all.length ? "every job once, no gap" : "see problems",
      ),
    ];
  });
  if (!hasPg) startStop.push(["pg-boss, graphile-worker, fleetdeck PostgreSQL", NO_PG, NO_PG, NO_PG]);
  print("Start-up (runtime + migrations / schema install) and shut-down, ms, kept out of the drain time:");
  print();
  table(["system", "start-up ms", "shut-down ms", "correctness"], startStop);

  // Fixed rate: enqueue → start latency.
  const rateRows: string[][] = [];
  const rateSystems: {
    label: string;
    run: () => Promise<Awaited<ReturnType<typeof queue.fleetdeckFixedRate>>>;
    pg: boolean;
  }[] = [
    { label: "fleetdeck PGlite", run: () => queue.fleetdeckFixedRate("pglite", P.rate, P.rateSeconds), pg: false },
    { label: "fleetdeck PostgreSQL", run: () => queue.fleetdeckFixedRate("postgres", P.rate, P.rateSeconds), pg: true },
    { label: "pg-boss", run: () => peers.pgbossFixedRate(P.rate, P.rateSeconds), pg: true },
    { label: "graphile-worker", run: () => peers.graphileFixedRate(P.rate, P.rateSeconds), pg: true },
  ];
  const rateJson: unknown[] = [];
  for (const s of rateSystems) {
    if (s.pg && !hasPg) {
      rateRows.push([s.label, NO_PG, NO_PG, NO_PG, NO_PG]);
      continue;
    }
    progress(`scheduler: fixed rate ${P.rate} jobs/s, ${s.label}`);
    try {
      const r = await s.run();
      rateJson.push(r);
      for (const p of r.problems) problems.push(`${s.label} fixed rate: ${p}`);
      rateRows.push([s.label, fmt(r.latency.p50), fmt(r.latency.p95), fmt(r.latency.p99), fmt(r.latency.max)]);
    } catch (e) {
      rateRows.push([s.label, errText(e), "error", "error", "error"]);
    }
  }
  print(
    `Fixed rate: ${P.rate} jobs/s for ${P.rateSeconds} s at concurrency 10; enqueue call → job handler starts, ms (fleetdeck: one execution per job, the way jobs reach it):`,
  );
  print();
  table(["system", "p50", "p95", "p99", "max"], rateRows);
  json.scheduler = { drain: Object.fromEntries(results), errors: Object.fromEntries(errors), fixedRate: rateJson };
  real.scheduler =
    "real (fleetdeck scheduler, pg-boss " +
    (await pkgVersion("pg-boss")) +
    ", graphile-worker " +
    (await pkgVersion("graphile-worker")) +
    ")";
}

// ---------------- 2. controls ----------------
if (wants("controls")) {
  const kinds = (hasPg ? ["pglite", "postgres"] : ["pglite"]) as ("pglite" | "postgres")[];
  const res = new Map<string, Awaited<ReturnType<typeof measureControls>>[]>();
  const errors = new Map<string, string>();
  for (let r = 0; r < P.controlRuns; r++) {
    for (const k of kinds) {
      progress(`controls: run ${r + 1}/${P.controlRuns} on ${k}`);
      try {
        const x = await measureControls(k);
        res.set(k, [...(res.get(k) ?? []), x]);
        for (const p of x.problems) problems.push(`controls ${k}: ${p}`);
      } catch (e) {
        errors.set(k, errText(e));
      }
    }
  }
  const c = (k: string, f: "pauseToLastStartMs" | "raiseToFilledMs" | "stopToCancelledMs" | "endToNextStartMs") => {
    if (k === "postgres" && !hasPg) return NO_PG;
    const rs = res.get(k);
    return rs?.length ? fmtSummary(summarize(rs.map((x) => x[f]))) : (errors.get(k) ?? "error");
  };
  print(
    `### 2. Control latency, ms (${P.controlRuns} run${P.controlRuns > 1 ? "s" : ""}, service calls on a running scheduler)`,
  );
  print();
  table(
    ["control", "PGlite", "PostgreSQL"],
    [
      [
        "pause request → last job start (0 = nothing started after it)",
        c("pglite", "pauseToLastStartMs"),
        c("postgres", "pauseToLastStartMs"),
      ],
      [
        "concurrency 2 → 10 request → 10 jobs running",
        c("pglite", "raiseToFilledMs"),
        c("postgres", "raiseToFilledMs"),
      ],
      [
        "stop request → every queued job cancelled",
        c("pglite", "stopToCancelledMs"),
        c("postgres", "stopToCancelledMs"),
      ],
      [
        "a job's end → the next job's start (concurrency 1, median of 30)",
        c("pglite", "endToNextStartMs"),
        c("postgres", "endToNextStartMs"),
      ],
    ],
  );
  json.controls = Object.fromEntries(res);
  real.controls = "real";
}

// ---------------- 3. realtime ----------------
if (wants("realtime")) {
  const counts = [10, 100, 1000];
  const runs: Awaited<ReturnType<typeof measureRealtime>>[] = [];
  let error = "";
  for (let r = 0; r < P.rtRuns; r++) {
    progress(`realtime: run ${r + 1}/${P.rtRuns} (10, 100, 1,000 clients)`);
    try {
      const x = await measureRealtime("pglite", counts, {
        rate: P.rtRate,
        seconds: P.rtSeconds,
        reconnects: P.reconnects,
        missed: 200,
      });
      runs.push(x);
      for (const row of x.results) {
        if (row.received !== row.expected)
          problems.push(`realtime ${row.clients} clients: ${row.received} of ${row.expected} deliveries`);
        if (row.gaps) problems.push(`realtime ${row.clients} clients: ${row.gaps} seq gaps`);
      }
    } catch (e) {
      error = errText(e);
    }
  }
  const rows = counts.map((n) => {
    const rs = runs.flatMap((x) => x.results.filter((y) => y.clients === n));
    if (!rs.length) return [String(n), error, error, error, error, error];
    const s = (f: (y: (typeof rs)[number]) => number) => fmtSummary(summarize(rs.map(f)));
    const delivered = rs.every((y) => y.received === y.expected && y.gaps === 0)
      ? `${rs[0]!.expected.toLocaleString("en-US")} of ${rs[0]!.expected.toLocaleString("en-US")}, no gap`
      : "see problems";
    return [String(n), s((y) => y.latency.p50), s((y) => y.latency.p99), s((y) => y.latency.max), delivered];
  });
  print(
    `### 3. Realtime: event produced (committed) → received by every watching client, ms (embedded PGlite, ${P.rtRate} retained events/s for ${P.rtSeconds} s, clients in a separate process; ${P.rtRuns} run${P.rtRuns > 1 ? "s" : ""})`,
  );
  print();
  table(["watching clients", "p50", "p99", "max", "deliveries"], rows);
  const at1000 = runs.flatMap((x) => x.results.filter((y) => y.clients === 1000));
  print(
    `Server memory per connected, subscribed client (growth after a forced GC with 1,000 clients ÷ 1,000): heap ${at1000.length ? fmtSummary(summarize(at1000.map((y) => y.heapPerClientKb))) : error} KiB (RSS growth is in the JSON; the allocator reuses freed pages, so it is noise at this size).`,
  );
  print();
  const rc = runs.flatMap((x) => x.reconnect.caughtUpMs);
  print(
    `Reconnect → caught up (connect, subscribe with lastSeq, 200 missed events replayed, ${rc.length} times): ${rc.length ? fmtSummary(summarize(rc)) : error} ms.`,
  );
  print();
  json.realtime = runs;
  real.realtime =
    "real (src/server/realtime hub; scripts/measure-realtime.ts was not in the tree, so bench/sections/realtime.ts drives it)";
}

// ---------------- 4. agents ----------------
if (wants("agents")) {
  type Row = Awaited<ReturnType<typeof agents.measureCrawlee>>[number];
  const rows: Row[] = [];
  const errors = new Map<string, string>();
  for (let r = 0; r < P.agentRuns; r++) {
    for (const engine of ["http", "browser"] as const) {
      const pages = engine === "http" ? P.httpPages : P.browserPages;
      const order = r % 2 === 0 ? ["fleetdeck", "crawlee"] : ["crawlee", "fleetdeck"];
      for (const who of order) {
        progress(
          `agents: run ${r + 1}/${P.agentRuns}, ${who} ${engine}, ${pages} pages at concurrency ${AGENT_LEVELS.join("/")}`,
        );
        try {
          if (who === "fleetdeck") rows.push(...(await agents.measureFleetdeckAgents(engine, pages, AGENT_LEVELS)));
          else
            await agents.withDemoSite(async (urls) => {
              rows.push(...(await agents.measureCrawlee(engine, urls(pages), AGENT_LEVELS)));
            });
        } catch (e) {
          errors.set(`${who}:${engine}`, errText(e));
        }
      }
    }
  }
  for (const r of rows)
    if (r.failed) problems.push(`${r.system} ${r.engine} c=${r.concurrency}: ${r.failed} pages failed`);
  const pick = (sys: string, engine: string, c: number) =>
    rows.filter((x) => x.system === sys && x.engine === engine && x.concurrency === c);
  const cell = (sys: string, engine: string, c: number, f: (x: Row) => number) => {
    const rs = pick(sys, engine, c);
    return rs.length ? fmtSummary(summarize(rs.map(f))) : (errors.get(`${sys}:${engine}`) ?? "error");
  };
  const med = (sys: string, engine: string, c: number, f: (x: Row) => number) =>
    summarize(pick(sys, engine, c).map(f)).median;
  print(
    `### 4. Agents on the bundled demo site (product pages, staged delays off; ${P.agentRuns} run${P.agentRuns > 1 ? "s" : ""}; ${P.httpPages} pages http, ${P.browserPages} pages browser per level; peak memory = PSS of the process + its Chromium)`,
  );
  print();
  const table4: string[][] = [];
  for (const engine of ["browser", "http"] as const) {
    const peer = engine === "browser" ? "PlaywrightCrawler" : "CheerioCrawler";
    for (const c of AGENT_LEVELS) {
      const pps = (x: Row) => x.pagesPerSec;
      const mem = (x: Row) => x.peakPssMb;
      table4.push([
        `${engine} vs ${peer}`,
        String(c),
        cell("fleetdeck", engine, c, pps),
        cell("crawlee", engine, c, pps),
        ratio(med("fleetdeck", engine, c, pps), med("crawlee", engine, c, pps)),
        cell("fleetdeck", engine, c, mem),
        cell("crawlee", engine, c, mem),
        ratio(med("crawlee", engine, c, mem), med("fleetdeck", engine, c, mem)),
      ]);
    }
  }
  table(
    [
      "engine vs peer",
      "concurrency",
      "fleetdeck pages/s",
      "Crawlee pages/s",
      "speed ratio",
      "fleetdeck peak MB",
      "Crawlee peak MB",
      "memory ratio (Crawlee ÷ fleetdeck)",
    ],
    table4,
  );
  json.agents = { rows, errors: Object.fromEntries(errors) };
  real.agents =
    "real (scripts/measure-agents.ts for fleetdeck; Crawlee " +
    (await pkgVersion("@crawlee/playwright")) +
    " via bench/sections/crawlee-run.ts)";
}

// ---------------- 5. UI ----------------
if (wants("ui")) {
  const rs: Awaited<ReturnType<typeof measureUi>>[] = [];
  let error = "";
  for (let r = 0; r < P.uiRuns; r++) {
    progress(`ui: run ${r + 1}/${P.uiRuns} (scripts/measure-ui.ts, ${P.uiJobs} jobs)`);
    try {
      rs.push(await measureUi(P.uiJobs));
    } catch (e) {
      error = errText(e);
    }
  }
  const s = (f: (x: (typeof rs)[number]) => number, d?: number) =>
    rs.length ? fmtSummary(summarize(rs.map(f)), d) : error;
  print(
    `### 5. UI: live view in headless Chromium while ${P.uiJobs.toLocaleString("en-US")} jobs stream (10 agents, 100 ms each; ${P.uiRuns} run${P.uiRuns > 1 ? "s" : ""})`,
  );
  print();
  table(
    ["metric", "value"],
    [
      ["time to a usable live view, ms", s((x) => x.usableMs)],
      ["frames per second, average", s((x) => x.fps)],
      ["frames per second, worst full second", s((x) => x.worstSecondFps)],
      ["longest main-thread task, ms (0: none over 50 ms, the long-task threshold)", s((x) => x.longestTaskMs)],
    ],
  );
  json.ui = rs;
  real.ui = "real (scripts/measure-ui.ts)";
}

// ---------------- 6. auth ----------------
if (wants("auth")) {
  const { runAuthSection } = await import("./auth");
  json.auth = await runAuthSection({ quick, hasPg, noPg: NO_PG, print, table, progress, errText });
  real.auth = "real (bench/auth.ts: production servers with AUTH=off and AUTH=on side by side)";
}

// ---------------- 7. many workers ----------------
if (wants("workers")) {
  const { runWorkersSection } = await import("./sections/many-workers");
  const result = await runWorkersSection({ quick, hasPg, noPg: NO_PG, print, table, progress, errText });
  for (const r of result?.scaleOut ?? []) for (const p of r.problems) problems.push(`workers ${r.workers}: ${p}`);
  for (const p of result?.bigExecution?.problems ?? []) problems.push(`big execution: ${p}`);
  json.workers = result;
  real.workers =
    "real (server.ts worker processes via test/helpers/fleet.ts; liveStats, listJobs and exportResults called in-process)";
}

print(
  `Correctness checked inside the run (every job completed exactly once, no event-log gap, counters = job rows, concurrency never exceeded, every event delivered): ${problems.length ? `${problems.length} PROBLEM(S):` : "all held."}`,
);
for (const p of problems.slice(0, 30)) print(`- ${p}`);
print();
print(
  `Total ${((Date.now() - t0) / 1000).toFixed(0)} s; load average at end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(
      " ",
    )}. Reproduce: \`npm run bench${quick ? " -- --quick" : ""}\` (with DATABASE_URL for the PostgreSQL and peer rows).`,
);

json.problems = problems;
json.sources = real;
json.table = out.join("\n");
json.totalSeconds = (Date.now() - t0) / 1000;
fs.mkdirSync(path.join(root, "bench/results"), { recursive: true });
const file = path.join(root, "bench/results", `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
fs.writeFileSync(file, JSON.stringify(json, null, 2));
process.stderr.write(`  results written to ${path.relative(root, file)}\n`);
process.exit(0);

async function pkgVersion(name: string): Promise<string> {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}
