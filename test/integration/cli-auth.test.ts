import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/client/api";
import { createClient } from "@/lib/client/endpoints";
import { runCli } from "../helpers/cli";
import { type RunningServer, startServer } from "../helpers/server";

/**
 * `fleetdeck` against a server with access control on (AUTH=on, the built .next): an API token from --token or
 * FLEETDECK_TOKEN carries the REST calls and the live stream's upgrade; without one, or with too small a role, the
 * command says what to do and exits 4.
 */

let server: RunningServer;
let dir: string;
let csv: string;
let agent: string;
let operatorToken: string;
let viewerToken: string;

beforeAll(async () => {
  server = await startServer({ AUTH: "on" });
  const link = /Create the first admin[^:]*: (http\S+\/invite\/\S+)/.exec(server.output())?.[1];
  if (!link) throw new Error(`no first-admin link in the server's output:\n${server.output()}`);
  const accepted = await fetch(`${server.url}/api/auth/invites/${link.split("/invite/")[1]}/accept`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Ada Admin", email: "ada@example.com", password: "correct horse battery staple" }),
  });
  const cookie = accepted.headers
    .getSetCookie()
    .find((c) => c.startsWith("fleetdeck_session="))
    ?.split(";")[0];
  if (!cookie) throw new Error(`accepting the first admin's invite failed: ${accepted.status}`);
  // The browser's way in (a session cookie) makes the tokens a script then uses.
  const admin = createClient({ baseUrl: server.url, fetch: (url, init) => fetch(url, withCookie(init, cookie)) });
  await admin.createProject({ name: "Tokens" });
  operatorToken = (await admin.createToken({ name: "ci", role: "operator" })).secret;
  viewerToken = (await admin.createToken({ name: "wall screen", role: "viewer" })).secret;

  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleetdeck-cli-auth-"));
  csv = path.join(dir, "rows.csv");
  fs.writeFileSync(csv, "url\nhttps://a.example.com/\nhttps://b.example.com/\n");
  agent = path.join(dir, "agent.json");
  fs.writeFileSync(agent, JSON.stringify({ engine: "simulated", simulate: { durationMs: 50 } }));
});

afterAll(async () => {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function withCookie(init: RequestInit | undefined, cookie: string): RequestInit {
  const headers = new Headers(init?.headers);
  headers.set("cookie", cookie);
  return { ...init, headers };
}

describe("fleetdeck with access control on", () => {
  it("without a token: exit 4 and how to give one", async () => {
    const run = await runCli(["--server", server.url, "run", csv, "--agent", agent]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^fleetdeck: .+ — pass an API token with --token or FLEETDECK_TOKEN/);

    const json = await runCli(["--server", server.url, "--json", "run", csv]);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: "unauthenticated", status: 401 }, exitCode: 4 });

    const refused = await createClient({ baseUrl: server.url })
      .listProjects()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 401, code: "unauthenticated" });
  });

  it("an operator's token from FLEETDECK_TOKEN runs and watches to the end (the stream's upgrade carries it)", async () => {
    const env = { FLEETDECK_SERVER: server.url, FLEETDECK_TOKEN: operatorToken };
    const run = await runCli(["--json", "run", csv, "--agent", agent], env);
    expect(run.code, run.stderr).toBe(0);
    const docs = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(docs.filter((d) => d.type === "job_completed")).toHaveLength(2);
    const summary = docs.at(-1);
    expect(summary).toMatchObject({ type: "summary", status: "completed", exitCode: 0 });

    // A viewer's token may watch (here: an execution already ended) but not steer.
    const watch = await runCli(["--server", server.url, "--token", viewerToken, "watch", summary.executionId]);
    expect(watch.code, watch.stderr).toBe(0);
    expect(watch.stdout).toMatch(/Completed: 2 completed, 0 failed of 2/);
    const pause = await runCli(["--server", server.url, "--token", viewerToken, "pause", summary.executionId]);
    expect(pause.code).toBe(4);
    expect(pause.stderr).toMatch(/^fleetdeck: .+/);
  });
});
