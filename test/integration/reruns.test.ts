import { eq, inArray } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as executionsRoute from "@/app/api/batches/[id]/executions/route";
import * as activityRoute from "@/app/api/executions/[id]/activity/route";
import * as jobsRoute from "@/app/api/executions/[id]/jobs/route";
import * as rerunsRoute from "@/app/api/executions/[id]/reruns/route";
import * as executionRoute from "@/app/api/executions/[id]/route";
import { describeEntry } from "@/features/audit/describe";
import type { JobStatus } from "@/lib/contract/resources";
import { shortId } from "@/lib/format";
import { batches, executions, jobs } from "@/server/db/schema";
import { saveNextVersion } from "@/server/repos/agent-configs";
import { Scheduler } from "@/server/scheduler/scheduler";
import { insertFixture } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";
import { waitFor } from "../helpers/wait";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";

describe.each(DATABASES)("re-runs on %s", (kind) => {
  let t: TestRuntime;
  beforeEach(async () => {
    t = await startTestRuntime(kind);
  });
  afterEach(() => t.stop());

  /**
   * A finished production run of `outcomes.length` rows (input ids "1", "2", …) whose jobs ended as listed, its
   * counters to match: the parent every re-run below chooses from.
   */
  async function finishedParent(outcomes: JobStatus[], status: "completed" | "stopped" = "completed") {
    const fixture = await insertFixture(t.runtime.db, { rows: outcomes.length, execution: { status } });
    const count = (s: JobStatus) => outcomes.filter((o) => o === s).length;
    for (const s of new Set(outcomes)) {
      const ids = fixture.jobs.filter((_, i) => outcomes[i] === s).map((j) => j.id);
      await t.runtime.db.update(jobs).set({ status: s, completedAt: new Date() }).where(inArray(jobs.id, ids));
    }
    await t.runtime.db
      .update(executions)
      .set({
        queuedCount: 0,
        completedCount: count("completed"),
        failedCount: count("failed"),
        cancelledCount: count("cancelled"),
        completedAt: new Date(),
      })
      .where(eq(executions.id, fixture.execution!.id));
    return { ...fixture, parentId: fixture.execution!.id };
  }

  const rerun = (parentId: string, json: unknown) => call(rerunsRoute.POST, { params: { id: parentId }, json });

  async function inputIdsOf(executionId: string): Promise<string[]> {
    const page = await call(jobsRoute.GET, { path: "/?limit=1000", params: { id: executionId } });
    return page.body.jobs.map((j: { inputId: string }) => j.inputId);
  }

  it("re-runs the failed, the cancelled, listed jobs or listed input ids: exactly those rows, in input order, linked to the parent", async () => {
    const {
      parentId,
      batch,
      jobs: parentJobs,
    } = await finishedParent(["completed", "failed", "completed", "cancelled", "failed", "completed"]);

    const failed = await rerun(parentId, { select: "failed", concurrency: 3 });
    expect(failed.status).toBe(201);
    expect(failed.body.execution).toMatchObject({
      batchId: batch.id,
      status: "running",
      mode: "production",
      sampleSize: null,
      concurrency: 3,
      totalJobs: 2,
      configVersion: 1,
      parentExecutionId: parentId,
      rerun: { of: parentId, selection: "failed", rows: 2 },
      stats: { total: 2, queued: 2, running: 0 },
    });
    expect(failed.body.execution.estimatedDurationMs).toEqual(expect.any(Number));
    expect(await inputIdsOf(failed.body.execution.id)).toEqual(["2", "5"]);

    const cancelled = await rerun(parentId, { select: "cancelled" });
    expect(cancelled.body.execution.rerun).toEqual({ of: parentId, selection: "cancelled", rows: 1 });
    expect(cancelled.body.execution.concurrency).toBe(5);
    expect(await inputIdsOf(cancelled.body.execution.id)).toEqual(["4"]);

    // Listed in any order, one twice, upper-case: each row once, in input order.
    const byJob = await rerun(parentId, {
      select: { jobIds: [parentJobs[5]!.id, parentJobs[0]!.id.toUpperCase(), parentJobs[5]!.id] },
    });
    expect(byJob.status).toBe(201);
    expect(byJob.body.execution.rerun).toEqual({ of: parentId, selection: "jobs", rows: 2 });
    expect(await inputIdsOf(byJob.body.execution.id)).toEqual(["1", "6"]);

    const byInput = await rerun(parentId, { select: { inputIds: ["6", "3", "2"] } });
    expect(byInput.body.execution.rerun).toEqual({ of: parentId, selection: "inputs", rows: 3 });
    expect(await inputIdsOf(byInput.body.execution.id)).toEqual(["2", "3", "6"]);

    // The parent lists its re-runs, newest first; GET of a re-run names its parent; the batch lists them all.
    const reruns = await call(rerunsRoute.GET, { params: { id: parentId } });
    expect(reruns.body.executions.map((e: { id: string }) => e.id)).toEqual(
      [failed, cancelled, byJob, byInput].map((r) => r.body.execution.id).reverse(),
    );
    const read = await call(executionRoute.GET, { params: { id: byInput.body.execution.id } });
    expect(read.body.execution).toMatchObject({ parentExecutionId: parentId, rerun: { of: parentId, rows: 3 } });
    const parent = await call(executionRoute.GET, { params: { id: parentId } });
    expect(parent.body.execution).toMatchObject({ parentExecutionId: null, rerun: null, configVersion: 1 });
    expect((await call(executionsRoute.GET, { params: { id: batch.id } })).body.executions).toHaveLength(5);

    // The trail says who re-ran what.
    const activity = await call(activityRoute.GET, { params: { id: failed.body.execution.id } });
    expect(activity.body.entries).toEqual([
      expect.objectContaining({
        action: "execution.rerun",
        target: { type: "execution", id: failed.body.execution.id },
        after: expect.objectContaining({ parentExecutionId: parentId, selection: "failed", totalJobs: 2 }),
      }),
    ]);
    expect(describeEntry(activity.body.entries[0])).toBe(`re-ran 2 failed rows of execution ${shortId(parentId)}`);

    // Run: only the selected rows run, and the re-run completes.
    t.runtime.services.set("scheduler", Scheduler.fromRuntime(t.runtime, { pollMs: 60_000 }).start());
    await waitFor(
      async () =>
        (await call(executionRoute.GET, { params: { id: failed.body.execution.id } })).body.execution.status ===
        "completed",
      "the re-run to complete",
    );
    const done = await call(jobsRoute.GET, { params: { id: failed.body.execution.id } });
    expect(done.body.jobs.map((j: { inputId: string; status: string }) => [j.inputId, j.status])).toEqual([
      ["2", "completed"],
      ["5", "completed"],
    ]);
  });

  it("re-runs a stopped execution, and a re-run of a re-run", async () => {
    const { parentId } = await finishedParent(["completed", "cancelled", "cancelled"], "stopped");
    const first = await rerun(parentId, { select: "cancelled" });
    expect(first.status).toBe(201);
    const firstId = first.body.execution.id;
    await t.runtime.db.update(jobs).set({ status: "failed" }).where(eq(jobs.executionId, firstId));
    await t.runtime.db
      .update(executions)
      .set({ status: "completed", queuedCount: 0, failedCount: 2 })
      .where(eq(executions.id, firstId));
    const second = await rerun(firstId, { select: "failed" });
    expect(second.body.execution.rerun).toEqual({ of: firstId, selection: "failed", rows: 2 });
    expect(await inputIdsOf(second.body.execution.id)).toEqual(["2", "3"]);
  });

  it("refuses an unfinished parent, unknown ids, an empty selection and malformed bodies, naming the field", async () => {
    const running = await insertFixture(t.runtime.db, { rows: 2, execution: { status: "running" } });
    const unfinished = await rerun(running.execution!.id, { select: "failed" });
    expect(unfinished.status).toBe(409);
    expect(unfinished.body.error).toMatchObject({
      code: "invalid_state",
      message: expect.stringMatching(/Cannot re-run an execution that is running: only a completed or stopped/),
    });
    expect((await rerun(UNKNOWN, { select: "failed" })).status).toBe(404);

    const { parentId, jobs: parentJobs } = await finishedParent(["completed", "completed", "cancelled"]);
    const other = await finishedParent(["failed"]);

    const empty = await rerun(parentId, { select: "failed" });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe("select: no rows match: the execution has no failed jobs");

    // Another execution's job, a job of no execution and a malformed id are all "not jobs of" this one.
    const strangers = [other.jobs[0]!.id, UNKNOWN, "not-a-uuid"];
    const unknownJobs = await rerun(parentId, { select: { jobIds: [parentJobs[0]!.id, ...strangers] } });
    expect(unknownJobs.status).toBe(400);
    expect(unknownJobs.body.error).toMatchObject({
      code: "validation_failed",
      message: `select.jobIds: 3 ids are not jobs of execution ${parentId}: ${strangers.join(", ")}`,
      details: { field: "select.jobIds", unknownIds: strangers, unknownCount: 3 },
    });

    // At most ten are listed, in the order sent.
    const many = Array.from({ length: 25 }, (_, i) => `row-${i}`);
    const unknownInputs = await rerun(parentId, { select: { inputIds: ["1", ...many] } });
    expect(unknownInputs.status).toBe(400);
    expect(unknownInputs.body.error.message).toBe(
      `select.inputIds: 25 ids are not input ids of execution ${parentId}: ${many.slice(0, 10).join(", ")} and 15 more`,
    );
    expect(unknownInputs.body.error.details.unknownIds).toEqual(many.slice(0, 10));

    const bad: [unknown, RegExp][] = [
      [{}, /select must be "failed", "cancelled", \{ "jobIds": \[\.\.\.\] \} or \{ "inputIds": \[\.\.\.\] \}/],
      [{ select: "completed" }, /select must be/],
      [{ select: 3 }, /select must be/],
      [{ select: { jobIds: "x" } }, /select must be/],
      [{ select: { jobIds: [1] } }, /select must be/],
      [{ select: { jobIds: ["a"], inputIds: ["1"] } }, /select must be/],
      [{ select: { jobIds: [] } }, /select\.jobIds must list at least one id/],
      [{ select: { inputIds: Array.from({ length: 100_001 }, (_, i) => String(i)) } }, /at most 100000 ids/],
      [{ select: "cancelled", concurrency: 0 }, /concurrency must be an integer from 1 to 10/],
      [{ select: "cancelled", agent: { engine: "warp" } }, /agent\.engine/],
      [{ select: "cancelled", agent: { engine: "simulated", timeoutMs: -1 } }, /agent\.timeoutMs/],
    ];
    for (const [json, message] of bad) {
      const answer = await rerun(parentId, json);
      expect(answer.status, JSON.stringify(json).slice(0, 100)).toBe(400);
      expect(answer.body.error.code).toBe("validation_failed");
      expect(answer.body.error.message).toMatch(message);
    }
    const tooLarge = await call(rerunsRoute.POST, {
      params: { id: parentId },
      body: JSON.stringify({ select: { inputIds: ["x".repeat(6 * 1024 * 1024)] } }),
      headers: { "content-type": "application/json" },
    });
    expect(tooLarge.status).toBe(413);

    // Nothing was created by the refusals.
    expect((await call(rerunsRoute.GET, { params: { id: parentId } })).body.executions).toEqual([]);
    const [batchRow] = await t.runtime.db.select().from(batches).where(eq(batches.id, other.batch.id));
    expect(batchRow!.agent).toMatchObject({ engine: "simulated" });
  });

  it("accepts 100,000 ids in one body", async () => {
    const { parentId, jobs: parentJobs } = await finishedParent(["failed", "completed"]);
    // A real job id plus 99,999 well-formed strangers: the whole list is checked, and the refusal lists ten.
    const ids = [
      parentJobs[0]!.id,
      ...Array.from({ length: 99_999 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`),
    ];
    const answer = await rerun(parentId, { select: { jobIds: ids } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.unknownCount).toBe(99_999);
    expect(answer.body.error.message).toMatch(/and 99989 more$/);
  });

  it("runs the config version an execution recorded at its start, even after an edit; a re-run may save and run an edited config", async () => {
    const { batch } = await insertFixture(t.runtime.db, {
      rows: 3,
      agent: { engine: "simulated", maxRetries: 0, simulate: { durationMs: 0, failRate: 0 } },
    });
    const first = await call(executionsRoute.POST, { params: { id: batch.id }, json: { mode: "production" } });
    expect(first.body.execution.configVersion).toBe(1);
    // Edited before any of its jobs ran: version 2 fails every row, but the first run keeps version 1.
    await t.runtime.db.transaction((tx) =>
      saveNextVersion(
        tx,
        batch.id,
        { engine: "simulated", maxRetries: 0, simulate: { durationMs: 0, failRate: 1 } },
        null,
      ),
    );
    const second = await call(executionsRoute.POST, { params: { id: batch.id }, json: { mode: "production" } });
    expect(second.body.execution.configVersion).toBe(2);

    t.runtime.services.set("scheduler", Scheduler.fromRuntime(t.runtime, { pollMs: 60_000 }).start());
    const finished = async (id: string) => {
      await waitFor(
        async () => (await call(executionRoute.GET, { params: { id } })).body.execution.status === "completed",
        `execution ${id} to complete`,
      );
      return (await call(executionRoute.GET, { params: { id } })).body.execution;
    };
    expect((await finished(first.body.execution.id)).stats).toMatchObject({ completed: 3, failed: 0 });
    expect((await finished(second.body.execution.id)).stats).toMatchObject({ completed: 0, failed: 3 });

    // Re-run the failures with a fixed config: saved as version 3, made the batch's config, and run.
    const fixed = await rerun(second.body.execution.id, {
      select: "failed",
      agent: { engine: "simulated", maxRetries: 0, simulate: { durationMs: 0, failRate: 0 } },
    });
    expect(fixed.status).toBe(201);
    expect(fixed.body.execution).toMatchObject({ configVersion: 3, rerun: { selection: "failed", rows: 3 } });
    expect((await finished(fixed.body.execution.id)).stats).toMatchObject({ completed: 3, failed: 0 });
    const [batchRow] = await t.runtime.db.select().from(batches).where(eq(batches.id, batch.id));
    expect(batchRow!.agent).toMatchObject({ simulate: { failRate: 0 } });

    // Without `agent`, a re-run runs the latest version.
    const again = await rerun(second.body.execution.id, { select: "failed" });
    expect(again.body.execution.configVersion).toBe(3);
  });
});
