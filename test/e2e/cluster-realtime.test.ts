import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiOf } from "../helpers/e2e";
import { range, TestClient } from "../helpers/realtime-harness";
import { createTestDatabase } from "../helpers/runtime";
import { type RunningServer, startServer } from "../helpers/server";

/**
 * The whole cluster: two web processes (HTTP + WebSocket, no workers) and two worker processes on one
 * PostgreSQL. Events produced by either worker reach the clients of both web processes, in order, complete.
 */
describe.runIf(process.env.TEST_DATABASE_URL)("cluster: two web processes and two workers on PostgreSQL", () => {
  let db: { url: string; drop: () => Promise<void> };
  const processes: RunningServer[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = { DATABASE_URL: db.url, LEASE_SECONDS: "5" };
    processes.push(
      ...(await Promise.all([
        startServer({ ...env, FLEETDECK_ROLE: "web" }),
        startServer({ ...env, FLEETDECK_ROLE: "web" }),
        startServer({ ...env, FLEETDECK_ROLE: "worker" }),
        startServer({ ...env, FLEETDECK_ROLE: "worker" }),
      ])),
    );
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await db?.drop();
  });

  it("delivers every retained event to clients of both web processes, in order, once", async () => {
    const [webA, webB] = processes as [RunningServer, RunningServer];
    const api = apiOf(webA.url);
    const { project } = await api.post<{ project: { id: string } }>("/api/projects", { name: "Cluster" });
    const csv = ["url", ...range(1, 24).map((i) => `https://site${i}.example.com/`)].join("\n");
    const { batch } = await api.post<{ batch: { id: string } }>(`/api/projects/${project.id}/batches`, {
      csv,
      agent: { engine: "simulated", simulate: { durationMs: 50 } },
    });

    const clients = await Promise.all(
      [webA, webB, webB].map((w) => TestClient.connect(`${w.url.replace("http", "ws")}/api/ws/executions`)),
    );
    const { execution } = await apiOf(webB.url).post<{ execution: { id: string } }>(
      `/api/batches/${batch.id}/executions`,
      { mode: "production", concurrency: 4 },
    );
    await Promise.all(clients.map((c) => c.subscribe(execution.id, 0)));

    const done = (c: TestClient) => c.events(execution.id).some((e) => e.type === "execution_completed");
    await Promise.all(clients.map((c) => c.waitFor(() => done(c), 60_000)));
    const { execution: final } = await apiOf(webB.url).get<{
      execution: { lastEventSeq: number; status: string; stats: { completed: number } };
    }>(`/api/executions/${execution.id}`);
    expect(final).toMatchObject({ status: "completed", stats: { completed: 24 } });
    for (const client of clients) expect(client.retainedSeqs(execution.id)).toEqual(range(1, final.lastEventSeq));
    const startedBy = clients[0]!.events(execution.id).filter((e) => e.type === "job_started").length;
    expect(startedBy).toBe(24);
    for (const c of clients) c.close();
  });
});
