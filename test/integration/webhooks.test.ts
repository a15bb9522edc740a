// Webhooks against a local receiver: the API, the outbox written with the change, signed sends, retries, the network
// guard at save and at send, no redirects, nothing lost to a crash, one send per delivery with two senders.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as deliveriesRoute from "@/app/api/projects/[id]/webhooks/[webhookId]/deliveries/route";
import * as rotateRoute from "@/app/api/projects/[id]/webhooks/[webhookId]/rotate-secret/route";
import * as webhookRoute from "@/app/api/projects/[id]/webhooks/[webhookId]/route";
import * as testRoute from "@/app/api/projects/[id]/webhooks/[webhookId]/test/route";
import * as webhooksRoute from "@/app/api/projects/[id]/webhooks/route";
import { BUDGET_REACHED } from "@/lib/contract/spend";
import { allowHost, clearAllowedHosts, createNetworkGuard, type LookupAll } from "@/server/agents/network-guard";
import { NOBODY } from "@/server/auth/audit";
import { executions, webhookDeliveries } from "@/server/db/schema";
import { transactWithEvents } from "@/server/events/transaction";
import { pauseIfOverBudget } from "@/server/executions/machine";
import { getExecutionRow, pause, startExecution, stop } from "@/server/executions/service";
import { Scheduler } from "@/server/scheduler/scheduler";
import * as repo from "@/server/webhooks/repo";
import { WebhookSender } from "@/server/webhooks/sender";
import { createWebhook } from "@/server/webhooks/service";
import { verifySignature } from "@/server/webhooks/signature";
import { insertFixture } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";
import { waitFor } from "../helpers/wait";

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A receiver on 127.0.0.1 that records every request and answers as `answer` says (200 by default). */
function startReceiver() {
  const received: Received[] = [];
  let answer: (r: Received, n: number) => { status: number; headers?: Record<string, string> } = () => ({
    status: 200,
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r = { path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString(), at: Date.now() };
      received.push(r);
      const { status, headers } = answer(r, received.length);
      res.writeHead(status, headers).end("ok");
    });
  });
  return {
    received,
    server,
    answerWith(fn: typeof answer) {
      answer = fn;
    },
    async listen() {
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      return (server.address() as AddressInfo).port;
    },
  };
}

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const FAST = { retryDelaysMs: [40, 40, 40, 40, 40], pollMs: 60_000 };
const lookupTable =
  (table: Record<string, string>): LookupAll =>
  async (host) => {
    const address = table[host];
    if (!address) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return [{ address, family: 4 }];
  };

describe.each(DATABASES)("webhooks on %s", (kind) => {
  let t: TestRuntime;
  const receiver = startReceiver();
  let port = 0;
  let hookUrl = "";
  const senders: WebhookSender[] = [];

  beforeAll(async () => {
    port = await receiver.listen();
    hookUrl = `http://127.0.0.1:${port}/hook`;
  });
  afterAll(async () => {
    await new Promise((r) => receiver.server.close(r));
  });
  beforeEach(async () => {
    t = await startTestRuntime(kind);
    // The guard's test allowance: the receiver is loopback, which webhooks may not reach otherwise.
    allowHost(`127.0.0.1:${port}`);
    receiver.received.length = 0;
    receiver.answerWith(() => ({ status: 200 }));
  });
  afterEach(async () => {
    for (const s of senders.splice(0)) await s.stop(0);
    await t.stop();
    clearAllowedHosts();
  });

  const startSender = (options: ConstructorParameters<typeof WebhookSender>[1] = {}) => {
    const sender = new WebhookSender(t.runtime, { ...FAST, ...options }).start();
    senders.push(sender);
    return sender;
  };
  const deliveries = () => t.runtime.db.select().from(webhookDeliveries);
  const hooksPath = (projectId: string) => ({ params: { id: projectId }, path: `/api/projects/${projectId}/webhooks` });
  const addHook = async (projectId: string, body: object) => {
    const answer = await call(webhooksRoute.POST, { ...hooksPath(projectId), json: body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body as { webhook: { id: string }; secret: string };
  };
  /** A two-row simulated run to its end, with a scheduler. */
  const completeRun = async (batchId: string) => {
    if (!t.runtime.services.has("scheduler"))
      t.runtime.services.set("scheduler", Scheduler.fromRuntime(t.runtime, { pollMs: 60_000 }).start());
    const execution = await startExecution(batchId, { mode: "production", concurrency: 2 });
    await waitFor(async () => (await getExecutionRow(execution.id)).status === "completed", "the run to complete");
    return execution;
  };

  it("manages webhooks: the secret shown once, the URL checked by the network guard, the cap, rotate and delete", async () => {
    const { project } = await insertFixture(t.runtime.db, { rows: 1 });
    const path = hooksPath(project.id);
    const created = await addHook(project.id, { url: hookUrl, events: ["execution.completed"] });
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.webhook).toMatchObject({ url: hookUrl, events: ["execution.completed"], enabled: true });
    const listed = await call(webhooksRoute.GET, path);
    expect(listed.body.webhooks).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);

    const refused = async (body: object, message: RegExp) => {
      const answer = await call(webhooksRoute.POST, { ...path, json: body });
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body.error.code).toBe("validation_failed");
      expect(answer.body.error.message).toMatch(message);
    };
    await refused({ url: "ftp://example.com/x", events: ["execution.completed"] }, /url must be an absolute http/);
    await refused(
      { url: `https://example.com/${"a".repeat(2000)}`, events: ["execution.paused"] },
      /url must be at most 2000/,
    );
    await refused({ url: "http://93.184.216.34/hook", events: [] }, /events must name at least one/);
    await refused({ url: "http://93.184.216.34/hook", events: ["execution.started"] }, /events must hold only/);
    // Private and loopback hosts are refused at save, naming url, unless allowed (as the receiver's port is).
    await refused({ url: "http://10.1.2.3/hook", events: ["execution.completed"] }, /^url: .*private or reserved/);
    await refused({ url: `http://127.0.0.1:${port + 1}/hook`, events: ["execution.completed"] }, /^url: /);

    for (let i = 1; i < 20; i++)
      await addHook(project.id, { url: `http://93.184.216.34/${i}`, events: ["execution.stopped"] });
    const over = await call(webhooksRoute.POST, { ...path, json: { url: hookUrl, events: ["execution.completed"] } });
    expect(over.status).toBe(409);
    expect(over.body.error.message).toMatch(/at most 20 webhooks/);

    const id = created.webhook.id;
    const params = { id: project.id, webhookId: id };
    const patched = await call(webhookRoute.PATCH, { params, method: "PATCH", json: { enabled: false } });
    expect(patched.body.webhook).toMatchObject({ id, enabled: false, url: hookUrl });
    const badPatch = await call(webhookRoute.PATCH, { params, method: "PATCH", json: { url: "http://192.168.0.1/" } });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.error.message).toMatch(/^url: /);
    expect((await call(webhookRoute.PATCH, { params, method: "PATCH", json: {} })).status).toBe(400);

    const rotated = await call(rotateRoute.POST, { params, method: "POST" });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated.body.secret).not.toBe(created.secret);

    // Another project's webhook id is unknown here.
    const { project: other } = await insertFixture(t.runtime.db, { rows: 1 });
    const elsewhere = { id: other.id, webhookId: id };
    expect((await call(webhookRoute.DELETE, { params: elsewhere, method: "DELETE" })).status).toBe(404);
    expect((await call(webhookRoute.DELETE, { params, method: "DELETE" })).status).toBe(204);
    expect((await call(webhookRoute.DELETE, { params, method: "DELETE" })).status).toBe(404);
    expect(
      (await call(testRoute.POST, { params: { id: project.id, webhookId: UNKNOWN }, method: "POST" })).status,
    ).toBe(404);
  });

  it("delivers a signed completion once per listening webhook: headers, payload, a signature only the secret makes", async () => {
    const { project, batch } = await insertFixture(t.runtime.db, { rows: 2 });
    const hook = await addHook(project.id, { url: hookUrl, events: ["execution.completed", "execution.stopped"] });
    await addHook(project.id, { url: `${hookUrl}/stops-only`, events: ["execution.stopped"] });
    await addHook(project.id, { url: `${hookUrl}/disabled`, events: ["execution.completed"], enabled: false });
    startSender();
    const execution = await completeRun(batch.id);
    await waitFor(async () => (await deliveries()).every((d) => d.status === "delivered"), "the delivery");

    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got!.path).toBe("/hook");
    const rows = await deliveries();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event: "execution.completed", attempts: 1, lastStatusCode: 200, lastError: null });
    expect(got!.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": expect.stringMatching(/^fleetdeck\/\d+\.\d+\.\d+/),
      "fleetdeck-delivery": rows[0]!.id,
      "fleetdeck-event": "execution.completed",
    });
    const signature = String(got!.headers["fleetdeck-signature"]);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(Math.abs(Number(/t=(\d+)/.exec(signature)![1]) - Date.now() / 1000)).toBeLessThan(60);
    expect(verifySignature(hook.secret, got!.body, signature)).toBe(true);
    expect(verifySignature(`${hook.secret.slice(1)}x`, got!.body, signature)).toBe(false);
    expect(verifySignature(hook.secret, got!.body.replace("completed", "complete"), signature)).toBe(false);

    const payload = JSON.parse(got!.body);
    const page = `http://localhost:3000/projects/${project.id}/batches/${batch.id}/executions/${execution.id}`;
    expect(payload).toMatchObject({
      id: rows[0]!.id,
      type: "execution.completed",
      project: { id: project.id, name: project.name },
      execution: {
        id: execution.id,
        status: "completed",
        stats: { total: 2, completed: 2, failed: 0 },
        spend: { costUsd: 0 },
      },
      links: {
        live: `${page}/live`,
        results: `${page}/results`,
        api: `http://localhost:3000/api/executions/${execution.id}`,
      },
    });
    expect(payload.execution.lastEventSeq).toBe((await getExecutionRow(execution.id)).lastEventSeq);
  });

  it("announces a stop and a pause at the budget, and not a person's pause", async () => {
    const { project, execution } = await insertFixture(t.runtime.db, { rows: 3, execution: { status: "running" } });
    await addHook(project.id, { url: hookUrl, events: ["execution.stopped", "execution.paused"] });
    await pause(execution!.id);
    expect(await deliveries()).toHaveLength(0);

    const { project: p2, execution: e2 } = await insertFixture(t.runtime.db, {
      rows: 3,
      execution: { status: "running" },
    });
    await addHook(p2.id, { url: `${hookUrl}/budget`, events: ["execution.paused"] });
    await t.runtime.db.update(executions).set({ costUsd: 0.5, maxCost: 0.25 }).where(eq(executions.id, e2!.id));
    const overBudget = await getExecutionRow(e2!.id);
    await transactWithEvents(t.runtime, (tx, events) => pauseIfOverBudget(tx, events, overBudget));
    await stop(execution!.id, "wrong file");
    const rows = await deliveries();
    expect(rows.map((d) => d.event).sort()).toEqual(["execution.paused", "execution.stopped"]);
    const paused = rows.find((d) => d.event === "execution.paused")!.payload as { execution: Record<string, unknown> };
    expect(paused.execution).toMatchObject({ id: e2!.id, status: "paused", pauseReason: BUDGET_REACHED });
    const stopped = rows.find((d) => d.event === "execution.stopped")!.payload as {
      execution: Record<string, unknown>;
    };
    expect(stopped.execution).toMatchObject({ id: execution!.id, status: "stopped", stopReason: "wrong file" });

    startSender();
    await waitFor(() => receiver.received.length === 2, "both deliveries");
    expect(receiver.received.map((r) => r.headers["fleetdeck-event"]).sort()).toEqual([
      "execution.paused",
      "execution.stopped",
    ]);
  });

  it("retries with backoff: two 500s then a 200 is three attempts, delivered", async () => {
    const { project, batch } = await insertFixture(t.runtime.db, { rows: 1 });
    await addHook(project.id, { url: hookUrl, events: ["execution.completed"] });
    receiver.answerWith((_r, n) => ({ status: n <= 2 ? 500 : 200 }));
    startSender({ retryDelaysMs: [150, 300, 40, 40, 40] });
    await completeRun(batch.id);
    await waitFor(async () => (await deliveries())[0]?.status === "delivered", "delivery after retries");
    const [row] = await deliveries();
    expect(row).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null });
    expect(receiver.received).toHaveLength(3);
    const [a, b, c] = receiver.received.map((r) => r.at);
    // Each wait is at least the delay less its jitter (20 %).
    expect(b! - a!).toBeGreaterThanOrEqual(150 * 0.8 - 5);
    expect(c! - b!).toBeGreaterThanOrEqual(300 * 0.8 - 5);
    // Every attempt is signed afresh with the same delivery id.
    expect(new Set(receiver.received.map((r) => r.headers["fleetdeck-delivery"])).size).toBe(1);
  });

  it("gives up after the last attempt, keeping the last status", async () => {
    const { project, batch } = await insertFixture(t.runtime.db, { rows: 1 });
    await addHook(project.id, { url: hookUrl, events: ["execution.completed"] });
    receiver.answerWith(() => ({ status: 503 }));
    startSender({ retryDelaysMs: [20, 20] });
    await completeRun(batch.id);
    await waitFor(async () => (await deliveries())[0]?.status === "failed", "the delivery to fail");
    expect((await deliveries())[0]).toMatchObject({
      attempts: 3,
      lastStatusCode: 503,
      lastError: "HTTP 503 Service Unavailable",
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received).toHaveLength(3);
  });

  it("checks the URL again at send: a host that resolved public at save and private at send gets nothing", async () => {
    const { project, batch } = await insertFixture(t.runtime.db, { rows: 1 });
    const url = `http://rebind.test:${port}/hook`;
    const atSave = createNetworkGuard({ allowedHosts: [], lookup: lookupTable({ "rebind.test": "93.184.216.34" }) });
    await createWebhook(project.id, { url, events: ["execution.completed"], enabled: true }, NOBODY, atSave);
    const atSend = createNetworkGuard({ allowedHosts: [], lookup: lookupTable({ "rebind.test": "127.0.0.1" }) });
    startSender({ guard: atSend, retryDelaysMs: [20] });
    await completeRun(batch.id);
    await waitFor(async () => (await deliveries())[0]?.status === "failed", "the delivery to fail");
    expect((await deliveries())[0]).toMatchObject({ attempts: 2, lastStatusCode: null });
    expect((await deliveries())[0]!.lastError).toMatch(/private or reserved/);
    expect(receiver.received).toHaveLength(0);
  });

  it("connects to the address the guard checked, not a second DNS answer", async () => {
    const { project, batch } = await insertFixture(t.runtime.db, { rows: 1 });
    // An allowed name only this lookup knows: the system resolver could not reach the receiver through it.
    allowHost(`pinned.test:${port}`);
    const guard = createNetworkGuard({ lookup: lookupTable({ "pinned.test": "127.0.0.1" }) });
    await createWebhook(
      project.id,
      { url: `http://pinned.test:${port}/hook`, events: ["execution.completed"], enabled: true },
      NOBODY,
      guard,
    );
    startSender({ guard });
    await completeRun(batch.id);
    await waitFor(() => receiver.received.length === 1, "the delivery");
    expect(receiver.received[0]!.headers.host).toBe(`pinned.test:${port}`);
  });

  it("follows no redirect: a 302 is a failed attempt, the target never asked", async () => {
    const { project, batch } = await insertFixture(t.runtime.db, { rows: 1 });
    await addHook(project.id, { url: hookUrl, events: ["execution.completed"] });
    receiver.answerWith((r) =>
      r.path === "/hook" ? { status: 302, headers: { location: "/elsewhere" } } : { status: 200 },
    );
    startSender({ retryDelaysMs: [] });
    await completeRun(batch.id);
    await waitFor(async () => (await deliveries())[0]?.status === "failed", "the delivery to fail");
    expect((await deliveries())[0]).toMatchObject({ attempts: 1, lastStatusCode: 302 });
    expect((await deliveries())[0]!.lastError).toMatch(/redirects are not followed/);
    expect(receiver.received.map((r) => r.path)).toEqual(["/hook"]);
  });

  it("loses nothing to a crash: a row written with no sender, and one whose sender died mid-attempt, are sent later", async () => {
    const { project, batch } = await insertFixture(t.runtime.db, { rows: 1 });
    await addHook(project.id, { url: hookUrl, events: ["execution.completed"] });
    await addHook(project.id, { url: `${hookUrl}/second`, events: ["execution.completed"] });
    await completeRun(batch.id); // no sender runs: the process "crashed" after the commit
    expect((await deliveries()).map((d) => d.status)).toEqual(["pending", "pending"]);
    // A sender claims one and dies before sending it: its lease (1 s) must run out first.
    const [dead] = await t.runtime.db.transaction((tx) => repo.claimDue(tx, { limit: 1, leaseSeconds: 1 }));
    expect(dead).toBeDefined();
    startSender();
    await waitFor(async () => (await deliveries()).every((d) => d.status === "delivered"), "both deliveries", 10_000);
    const rows = await deliveries();
    expect(rows.find((d) => d.id === dead!.delivery.id)).toMatchObject({ attempts: 2, status: "delivered" });
    expect(rows.find((d) => d.id !== dead!.delivery.id)).toMatchObject({ attempts: 1, status: "delivered" });
    expect(receiver.received.map((r) => r.path).sort()).toEqual(["/hook", "/hook/second"]);
  });

  it("sends each delivery exactly once with two senders claiming", async () => {
    const { project } = await insertFixture(t.runtime.db, { rows: 1 });
    const { webhook } = await addHook(project.id, { url: hookUrl, events: ["execution.completed"] });
    const ids = Array.from({ length: 40 }, () => crypto.randomUUID());
    await repo.insertDeliveries(
      t.runtime.db,
      ids.map((id) => ({
        id,
        webhookId: webhook.id,
        event: "ping" as const,
        executionId: null,
        payload: { id, type: "ping" },
      })),
    );
    const a = startSender({ batchSize: 3 });
    const b = startSender({ batchSize: 3 });
    for (let i = 0; i < 5; i++) {
      a.kick();
      b.kick();
    }
    await waitFor(async () => (await deliveries()).every((d) => d.status === "delivered"), "every delivery");
    const sent = receiver.received.map((r) => String(r.headers["fleetdeck-delivery"]));
    expect(sent.sort()).toEqual([...ids].sort());
    expect((await deliveries()).every((d) => d.attempts === 1)).toBe(true);
  });

  it("Send test pings now and answers how it went; the log lists deliveries newest first, page by page", async () => {
    const { project } = await insertFixture(t.runtime.db, { rows: 1 });
    const { webhook, secret } = await addHook(project.id, { url: hookUrl, events: ["execution.completed"] });
    const params = { id: project.id, webhookId: webhook.id };
    const first = await call(testRoute.POST, { params, method: "POST" });
    expect(first.status).toBe(200);
    expect(first.body.delivery).toMatchObject({ event: "ping", status: "delivered", attempts: 1, lastStatusCode: 200 });
    const ping = JSON.parse(receiver.received[0]!.body);
    expect(ping).toMatchObject({
      type: "ping",
      project: { id: project.id },
      webhook: { id: webhook.id, url: hookUrl },
    });
    expect(
      verifySignature(secret, receiver.received[0]!.body, String(receiver.received[0]!.headers["fleetdeck-signature"])),
    ).toBe(true);

    receiver.answerWith(() => ({ status: 500 }));
    const failed = await call(testRoute.POST, { params, method: "POST" });
    expect(failed.body.delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    expect(failed.body.delivery.nextAttemptAt).not.toBeNull();
    await call(testRoute.POST, { params, method: "POST" });

    const page1 = await call(deliveriesRoute.GET, { params, path: "/?limit=2" });
    expect(page1.status).toBe(200);
    expect(page1.body.deliveries).toHaveLength(2);
    const page2 = await call(deliveriesRoute.GET, { params, path: `/?limit=2&cursor=${page1.body.nextCursor}` });
    expect(page2.body.deliveries.map((d: { id: string }) => d.id)).toEqual([first.body.delivery.id]);
    expect(page2.body.nextCursor).toBeNull();
    expect((await call(deliveriesRoute.GET, { params, path: "/?cursor=junk" })).status).toBe(400);

    await call(webhookRoute.PATCH, { params, method: "PATCH", json: { enabled: false } });
    expect((await call(testRoute.POST, { params, method: "POST" })).status).toBe(409);
  });
});
