import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { applyEvent, type ExecutionState, initialState } from "@/lib/client/execution-state";
import { ExecutionStream, type SocketLike, type StreamStatus } from "@/lib/client/execution-stream";
import type { ProjectRole } from "@/lib/contract/auth";
import type { Execution } from "@/lib/contract/resources";
import { NOBODY } from "@/server/auth/audit";
import { changeRole, removeMember } from "@/server/auth/members";
import { endAllSessions, startSession } from "@/server/auth/sessions";
import { getExecution, pause } from "@/server/executions/service";
import { insertUser, upsertMembership } from "@/server/repos/accounts";
import { insertFixture } from "../helpers/fixtures";
import { type HubServer, produceRetained, startHubServer, waitUntil } from "../helpers/realtime-harness";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";

/**
 * The browser's live stream (src/lib/client/execution-stream.ts) against the real hub with AUTH=on: a changed role
 * reconnects and keeps watching, an ended access stops it for good, and a person's pause reaches it with their name.
 */
describe.each(DATABASES)("live stream access on %s", (kind) => {
  let t: TestRuntime;
  let server: HubServer;
  const streams: ExecutionStream[] = [];
  let people = 0;

  beforeAll(async () => {
    t = await startTestRuntime(kind, { AUTH: "on" });
    server = await startHubServer(t.runtime, { statsIntervalMs: 200, heartbeatMs: 60_000 });
  });
  afterAll(async () => {
    await server.close();
    await t.stop();
  });
  afterEach(() => {
    for (const s of streams.splice(0)) s.stop();
  });

  /** A person with a role on a fresh execution's project, signed in: their cookie and ids. */
  async function watcher(role: ProjectRole, name = "Ana") {
    const { project, execution } = await insertFixture(t.runtime.db, { rows: 2, execution: {} });
    const user = await insertUser(t.runtime.db, { email: `person${++people}@example.com`, name });
    await upsertMembership(t.runtime.db, project.id, user.id, role);
    const setCookie = await startSession(user.id, { address: null, userAgent: null });
    return { projectId: project.id, executionId: execution!.id, user, cookie: setCookie.split(";")[0]! };
  }

  function watch(executionId: string, cookie: string | null, lastSeq = 0) {
    const seen = { statuses: [] as StreamStatus[], events: [] as string[], changes: 0, ended: 0 };
    const stream = new ExecutionStream({
      url: server.url,
      executionId,
      lastSeq,
      createSocket: (url) => new WebSocket(url, cookie ? { headers: { cookie } } : {}) as unknown as SocketLike,
      onEvent: (event) => seen.events.push(`${event.type}:${event.seq}`),
      onStatus: (status) => seen.statuses.push(status),
      onAccessChange: () => seen.changes++,
      onAccessEnded: () => seen.ended++,
      initialBackoffMs: 20,
    });
    streams.push(stream);
    stream.start();
    return { stream, seen };
  }

  it("stops for good when the socket has no credential", async () => {
    const { executionId } = await watcher("viewer");
    const { stream, seen } = watch(executionId, null);
    await waitUntil(() => seen.ended === 1);
    expect(stream.connected).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.hub.stats().clients).toBe(0);
  });

  it("reconnects after a role change and keeps watching, missing no event", async () => {
    const { projectId, executionId, user, cookie } = await watcher("viewer");
    const { stream, seen } = watch(executionId, cookie);
    await waitUntil(() => stream.connected);
    await produceRetained(executionId, 1);
    await waitUntil(() => seen.events.includes("job_started:1"));

    await changeRole(projectId, user.id, "operator", NOBODY);
    await waitUntil(() => seen.changes === 1);
    await produceRetained(executionId, 1); // while it is away: replayed on its resubscribe
    await waitUntil(() => stream.connected && seen.events.includes("job_started:2"));
    expect(seen.ended).toBe(0);
    expect(seen.events.filter((e) => e.startsWith("job_started"))).toEqual(["job_started:1", "job_started:2"]);
  });

  it("stops for good when the person signs out everywhere", async () => {
    const { executionId, user, cookie } = await watcher("operator");
    const { stream, seen } = watch(executionId, cookie);
    await waitUntil(() => stream.connected);
    await endAllSessions(user.id);
    await waitUntil(() => seen.ended === 1);
    expect(seen.changes).toBe(1);
    expect(stream.connected).toBe(false);
  });

  it("stops for good when the person is removed from the project", async () => {
    const { projectId, executionId, user, cookie } = await watcher("viewer");
    const admin = await insertUser(t.runtime.db, { email: `admin${++people}@example.com`, name: "Admin" });
    await upsertMembership(t.runtime.db, projectId, admin.id, "admin");
    const { stream, seen } = watch(executionId, cookie);
    await waitUntil(() => stream.connected);
    await removeMember(projectId, user.id, NOBODY);
    await waitUntil(() => seen.ended === 1);
    expect(stream.connected).toBe(false);
    expect(seen.statuses.at(-1)?.error).toBeNull();
  });

  it("brings a person's pause with their name to a watching tab", async () => {
    const { executionId, cookie } = await watcher("viewer", "Vic");
    const snapshot: Execution = await getExecution(executionId);
    let state: ExecutionState = initialState({ execution: snapshot, runningJobs: [], finishedJobs: [] });
    const stream = new ExecutionStream({
      url: server.url,
      executionId,
      lastSeq: snapshot.lastEventSeq,
      createSocket: (url) => new WebSocket(url, { headers: { cookie } }) as unknown as SocketLike,
      onEvent: (event) => {
        state = applyEvent(state, event);
      },
    });
    streams.push(stream);
    stream.start();
    await waitUntil(() => stream.connected);
    const ana = { type: "user" as const, id: "00000000-0000-4000-8000-00000000000a", name: "Ana" };
    await pause(executionId, { actor: ana, address: "127.0.0.1" });
    await waitUntil(() => state.execution.status === "paused");
    expect(state.execution.pausedBy).toEqual(ana);
  });
});
