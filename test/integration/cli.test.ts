import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/client/api";
import { createClient, type FleetdeckClient } from "@/lib/client/endpoints";
import { fileBlob } from "@/lib/client/node";
import { exportQuerySchema } from "@/lib/contract/queries";
import { PRODUCTS, SLOW_SLUGS } from "@/server/demo/catalog";
import { hasAnsi, ptyCli, runCli, stripAnsi } from "../helpers/cli";
import { type RunningServer, startServer } from "../helpers/server";
import { waitFor } from "../helpers/wait";

/**
 * `npx fleetdeck` as a new user tries it, against the real server (the built .next for its routes): a run of demo
 * pages drawn live under a pseudo-terminal, the watch view's keys steering a run, plain lines and exit codes on a
 * pipe, --json, export; and the typed client it is built on.
 */

let server: RunningServer;
let client: FleetdeckClient;
let dir: string;
let projectId: string;

/** A CSV file of `rows` rows in the test's folder. */
function csvFile(name: string, header: string, rows: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${[header, ...rows].join("\n")}\n`);
  return file;
}

/** An agent config file for simulated jobs of `durationMs` that fail at `failRate`. */
function simulatedAgent(durationMs: number, failRate = 0): string {
  const file = path.join(dir, `agent-${durationMs}-${failRate}.json`);
  fs.writeFileSync(file, JSON.stringify({ engine: "simulated", simulate: { durationMs, failRate } }));
  return file;
}

const sites = (n: number) => Array.from({ length: n }, (_, i) => `https://site${i + 1}.example.com/`);

/** Starts a long simulated run with `run --detach` and answers its execution id. */
async function detachedRun(rows: number, concurrency: number): Promise<string> {
  const file = csvFile(`long-${rows}-${concurrency}.csv`, "url", sites(rows));
  const args = [
    "--server",
    server.url,
    "run",
    file,
    "--agent",
    simulatedAgent(1500),
    "--concurrency",
    `${concurrency}`,
  ];
  const started = await runCli([...args, "--detach"]);
  expect(started.code, started.stderr).toBe(0);
  return started.stdout.trim();
}

const statusOf = async (id: string) => (await client.getExecution(id)).execution;

beforeAll(async () => {
  server = await startServer();
  client = createClient({ baseUrl: server.url });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleetdeck-cli-"));
  projectId = (await client.createProject({ name: "CLI" })).project.id;
});

afterAll(async () => {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("fleetdeck under a terminal", () => {
  it("runs a CSV of the demo shop's pages with the http engine to the end: a live frame, the summary, exit 0", async () => {
    const pages = PRODUCTS.filter((p) => !SLOW_SLUGS.has(p.slug))
      .slice(0, 10)
      .map((p) => `${p.slug},${server.url}/demo/products/${p.slug}`);
    const file = csvFile("demo.csv", "sku,url", pages);
    const cli = ptyCli(["--server", server.url, "run", file, "--engine", "http", "--concurrency", "5"]);
    const code = await cli.exited;
    const screen = stripAnsi(cli.output());
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/█+░*\s+\d+% \d+\/10/); // the progress bar while it runs
    expect(screen).toMatch(/done \d+ · running \d+ · queued \d+ · failed 0/);
    expect(screen).toMatch(/success 100\.0% · elapsed/);
    expect(screen).toMatch(/ok {4}http:\/\/\S+\/demo\/products\//);
    expect(screen).toMatch(/Completed: 10 completed, 0 failed of 10 · success rate 100\.0%/);
  });

  it("in a CI job prints plain lines even on a terminal (a live view there would show nothing until the end)", async () => {
    const file = csvFile("ci.csv", "url", sites(3));
    const cli = ptyCli(["--server", server.url, "run", file, "--agent", simulatedAgent(50)], { CI: "true" });
    expect(await cli.exited, stripAnsi(cli.output())).toBe(0);
    const lines = cli.output().trim().split(/\r?\n/);
    expect(lines.filter((l) => /^\[\d\/3\] ok +https:\/\/site\d\.example\.com\/ \(\d+ ms\)$/.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/^Completed: 3 completed, 0 failed of 3/);
    expect(hasAnsi(cli.output())).toBe(false);
  });

  it("watch steers the run with keys: p pauses, r resumes, + raises concurrency, s stops with a reason", async () => {
    const id = await detachedRun(40, 2);
    const cli = ptyCli(["--server", server.url, "watch", id]);
    try {
      await cli.waitFor(/p pause · r resume/);
      await cli.waitFor(/live/);

      let mark = cli.output().length;
      cli.press("p");
      await waitFor(async () => (await statusOf(id)).status === "paused", "the server to say paused");
      await cli.waitFor(/Paused|paused/, { from: mark });

      mark = cli.output().length;
      cli.press("r");
      await waitFor(async () => (await statusOf(id)).status === "running", "the server to say running");
      await cli.waitFor(/Resumed|running/, { from: mark });

      mark = cli.output().length;
      cli.press("+");
      await waitFor(async () => (await statusOf(id)).concurrency === 3, "concurrency 3 on the server");
      await cli.waitFor(/Concurrency changed from 2 to 3/, { from: mark });

      cli.press("s");
      await cli.waitFor(/Stop reason \(Enter to stop, Esc to cancel\)/);
      cli.press("disk nearly full\r");
      const stopped = await waitFor(async () => {
        const e = await statusOf(id);
        return e.status === "stopping" || e.status === "stopped" ? e : null;
      }, "the server to stop it");
      expect(stopped?.stopReason).toBe("disk nearly full");
      // A stopped run is not a success: the view ends with the summary and exit code 1.
      expect(await cli.exited).toBe(1);
      expect(stripAnsi(cli.output())).toMatch(
        /Stopped \(reason: disk nearly full\): \d+ completed, 0 failed, \d+ cancelled/,
      );
    } finally {
      cli.kill();
    }
  });

  it("q leaves the view and the run goes on; stop on the command line ends it", async () => {
    const id = await detachedRun(40, 1);
    const cli = ptyCli(["--server", server.url, "watch", id]);
    await cli.waitFor(/q quit \(the run goes on\)/);
    cli.press("q");
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain(`fleetdeck watch ${id}`);
    expect((await statusOf(id)).status).toBe("running");
    const status = await runCli(["--server", server.url, "status"]);
    expect(status.stdout).toMatch(new RegExp(`^  ${id}  running  \\d+/40 done, 0 failed  concurrency 1$`, "m"));

    const stop = await runCli(["--server", server.url, "stop", id, "--reason", "done testing"]);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toMatch(/^Stopp(ing|ed): \d+ queued jobs? cancelled/);
    expect((await statusOf(id)).stopReason).toBe("done testing");
  });
});

describe("fleetdeck on a pipe", () => {
  let finishedId: string;

  it("prints plain lines without escape codes, and exits 1 when a job failed (0 with --allow-failures)", async () => {
    const file = csvFile("failing.csv", "url", sites(2));
    const args = ["--server", server.url, "run", file, "--agent", simulatedAgent(50, 1), "--concurrency", "2"];

    const failed = await runCli(args);
    expect(failed.code, failed.stderr).toBe(1);
    expect(hasAnsi(failed.stdout)).toBe(false);
    const lines = failed.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^Execution \S+ · running · 2 jobs · concurrency 2$/);
    expect(lines.filter((l) => /^\[\d\/2\] failed {2}https:\/\/site\d\.example\.com\/: /.test(l))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/^Completed: 0 completed, 2 failed of 2 · success rate 0\.0% · took /);
    expect(failed.stderr).toMatch(/Batch \S+ in project "CLI": 2 rows/);

    const allowed = await runCli([...args, "--allow-failures"]);
    expect(allowed.code, allowed.stderr).toBe(0);
    const tooMany = await runCli([...args, "--allow-failures", "1"]);
    expect(tooMany.code).toBe(1);
  });

  it("--json: run writes NDJSON from the snapshot through every event to a summary; status one document", async () => {
    const file = csvFile("json.csv", "url", sites(3));
    const run = await runCli(["--server", server.url, "--json", "run", file, "--agent", simulatedAgent(50)]);
    expect(run.code, run.stderr).toBe(0);
    const docs = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(docs[0]).toMatchObject({ type: "snapshot", execution: { totalJobs: 3 } });
    expect(docs.filter((d) => d.type === "job_completed")).toHaveLength(3);
    expect(docs.some((d) => d.type === "execution_completed")).toBe(true);
    expect(docs.at(-1)).toMatchObject({ type: "summary", status: "completed", exitCode: 0, stats: { completed: 3 } });
    finishedId = docs.at(-1).executionId;

    const status = await runCli(["--server", server.url, "--json", "status"]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ health: { ok: true, database: { ok: true } } });
  });

  it("export writes the results under the server's file name or -o, in each format the server offers", async () => {
    const csv = await runCli(["--server", server.url, "export", finishedId], {}, dir);
    expect(csv.code, csv.stderr).toBe(0);
    const written = /^Wrote (\S+) /.exec(csv.stdout)?.[1];
    expect(written).toMatch(/\.csv$/);
    const text = fs.readFileSync(path.join(dir, written!), "utf8");
    expect(text.split("\n")[0]).toContain("status");
    expect(text.match(/completed/g)?.length).toBeGreaterThanOrEqual(3);

    const jsonFile = path.join(dir, "results.json");
    const json = await runCli(["--server", server.url, "export", finishedId, "--format", "json", "-o", jsonFile]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(jsonFile, "utf8"))).toHaveLength(3);

    // xlsx once the server's export offers it (the contract's query schema says).
    if (exportQuerySchema.safeParse({ format: "xlsx" }).success) {
      const xlsxFile = path.join(dir, "results.xlsx");
      const xlsx = await runCli(["--server", server.url, "export", finishedId, "--format", "xlsx", "-o", xlsxFile]);
      expect(xlsx.code, xlsx.stderr).toBe(0);
      expect(fs.readFileSync(xlsxFile).subarray(0, 2).toString()).toBe("PK"); // a zip, as every xlsx is
    }
  });

  it("exit codes name the failure: usage 2, unknown id 5, no server 3, in the server's words", async () => {
    const badConcurrency = await runCli(["--server", server.url, "run", "x.csv", "--concurrency", "0"]);
    expect(badConcurrency.code).toBe(2);
    expect(badConcurrency.stderr).toMatch(/--concurrency must be a whole number from 1/);

    const ended = await runCli(["--server", server.url, "concurrency", finishedId, "3"]);
    expect(ended.code).toBe(5); // 409: a completed execution takes no more controls
    expect(ended.stderr).toMatch(/^fleetdeck: .+/);

    const missingFile = await runCli(["--server", server.url, "run", path.join(dir, "missing.csv")]);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toMatch(/Cannot read .*missing\.csv: ENOENT/);

    const unknown = await runCli(["--server", server.url, "--json", "watch", "no-such-execution"]);
    expect(unknown.code).toBe(5);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: "not_found", status: 404 }, exitCode: 5 });

    const invalid = await runCli(["--server", server.url, "run", csvFile("nourl.csv", "name", ["a", "b"])]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^fleetdeck: .*url/im);

    const down = await runCli(["--server", "http://127.0.0.1:9", "status"]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/Could not reach the server at http:\/\/127\.0\.0\.1:9/);
  });
});

describe("the typed client", () => {
  it("uploads a file from disk as multipart, and throws the contract's errors as ApiError", async () => {
    const file = csvFile("upload.csv", "url,name", ["https://a.example.com/,A", "example.org,B"]);
    const created = await client.createBatch(projectId, { file: await fileBlob(file), fileName: "upload.csv" });
    expect(created).toMatchObject({ rowCount: 2, batch: { name: "upload", columns: ["url", "name"] } });

    const refused = await client
      .startExecution(created.batch.id, { mode: "production", concurrency: 10_000 })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 400, code: "validation_failed" });
    expect((refused as ApiError).message).toMatch(/concurrency/);
  });
});
