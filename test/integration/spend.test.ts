// Model spend of goal-driven agents: summed exactly into the execution, and a maxCost that pauses it live.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as executionsRoute from "@/app/api/batches/[id]/executions/route";
import * as resumeRoute from "@/app/api/executions/[id]/resume/route";
import type { AgentConfig } from "@/lib/contract/agent";
import { BUDGET_REACHED } from "@/lib/contract/spend";
import { type Agent, AgentError } from "@/server/agents/types";
import { estimateFor, getExecution, getJob, liveStats, resume, startExecution } from "@/server/executions/service";
import { Scheduler } from "@/server/scheduler/scheduler";
import { gapFreeLog } from "../helpers/engine";
import { insertFixture } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { DATABASES, startTestRuntime, type TestRuntime } from "../helpers/runtime";
import { waitFor } from "../helpers/wait";

/** Spends 1,000 input and 200 output tokens a job at $0.01; inputs whose id is in `failing` fail for good. */
function spendingAgent(failing: Set<number> = new Set()): Agent {
  return {
    async run(job, ctx) {
      const usage = { inputTokens: 1000, outputTokens: 200, costUsd: 0.01, model: "test-model" };
      ctx.progress({ step: "Clicking ‘Go’", percent: 50, detail: { reason: "it is the way", ...usage } });
      await new Promise((r) => setTimeout(r, 30));
      const transcript = [
        {
          step: 1,
          observation: "Demo page",
          reason: "it is the way",
          action: "click e1",
          result: "clicked",
          url: job.siteUrl,
          inputTokens: 1000,
          outputTokens: 200,
        },
      ];
      if (failing.has(Number(job.inputId))) {
        throw new AgentError("The model gave up: no price on the page", false, "gave_up", { usage, transcript });
      }
      return { extractedData: { answer: `row ${job.inputId}` }, usage, transcript };
    },
  };
}

describe.each(DATABASES)("model spend on %s", (kind) => {
  let t: TestRuntime;
  beforeEach(async () => {
    t = await startTestRuntime(kind);
  });
  afterEach(() => t.stop());

  const startScheduler = (agent: Agent) => {
    const scheduler = Scheduler.fromRuntime(t.runtime, {
      pollMs: 60_000,
      slots: 10,
      agentFor: (_c: AgentConfig) => agent,
    });
    t.runtime.services.set("scheduler", scheduler.start());
  };
  const fixture = (rows: number) =>
    insertFixture(t.runtime.db, {
      rows,
      agent: { engine: "simulated", maxRetries: 0 },
    });

  it("sums every job's tokens and cost into the execution exactly, a failed job's too, and keeps each job's", async () => {
    const { batch } = await fixture(6);
    startScheduler(spendingAgent(new Set([2])));
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 3 });
    await waitFor(async () => (await getExecution(execution.id)).status === "completed", "the run to complete");
    const done = await getExecution(execution.id);
    expect(done.stats).toMatchObject({ completed: 5, failed: 1 });
    expect(done.spend.inputTokens).toBe(6000);
    expect(done.spend.outputTokens).toBe(1200);
    expect(done.spend.costUsd).toBeCloseTo(0.06, 10);
    const stats = await liveStats(execution.id);
    expect(stats.metrics.costUsd).toBeCloseTo(0.06, 10);
    expect(stats.metrics.projectedCostUsd).toBeCloseTo(0.06, 10);

    const events = await gapFreeLog(t.runtime.db, execution.id);
    const ended = events.filter((e) => e.type === "job_completed" || e.type === "job_failed");
    expect(ended).toHaveLength(6);
    for (const e of ended) expect(e.data).toMatchObject({ usage: { inputTokens: 1000, outputTokens: 200 } });

    const jobId = (ended[0]!.data as { jobId: string }).jobId;
    const job = await getJob(jobId);
    expect(job.job.usage).toMatchObject({ inputTokens: 1000, outputTokens: 200, costUsd: 0.01, model: "test-model" });
    expect(job.transcript).toEqual([expect.objectContaining({ step: 1, action: "click e1", result: "clicked" })]);

    // The next estimate of this batch carries the measured spend per job.
    const estimate = await estimateFor(batch.id, { mode: "production", concurrency: 3 });
    expect(estimate.basis).toBe("history");
    expect(estimate.estimatedCost).toBeGreaterThanOrEqual(0.06);
  });

  it("pauses itself when the spend reaches maxCost, says why, and resumes only with the cap raised or lifted", async () => {
    const { batch } = await fixture(10);
    startScheduler(spendingAgent());
    const execution = await startExecution(batch.id, { mode: "production", concurrency: 1, maxCost: 0.03 });
    await waitFor(async () => (await getExecution(execution.id)).status === "paused", "the budget pause");
    const paused = await getExecution(execution.id);
    expect(paused.pauseReason).toBe(BUDGET_REACHED);
    expect(paused.stats.completed).toBe(3);
    expect(paused.spend.costUsd).toBeCloseTo(0.03, 10);
    const events = await gapFreeLog(t.runtime.db, execution.id);
    expect(events.find((e) => e.type === "execution_paused")?.data).toMatchObject({
      reason: BUDGET_REACHED,
      maxCost: 0.03,
    });

    // Resuming without raising the cap is refused, and changes nothing.
    await expect(resume(execution.id)).rejects.toMatchObject({ status: 409, code: "invalid_state" });
    await expect(resume(execution.id, { maxCost: 0.02 })).rejects.toMatchObject({ status: 409 });
    expect((await getExecution(execution.id)).status).toBe("paused");

    // Raised: it runs until the new cap, and pauses again.
    const raised = await resume(execution.id, { maxCost: 0.05 });
    expect(raised.execution).toMatchObject({ status: "running", maxCost: 0.05, pauseReason: null });
    await waitFor(async () => (await getExecution(execution.id)).status === "paused", "the second budget pause");
    expect((await getExecution(execution.id)).stats.completed).toBe(5);

    // A malformed cap is refused in the contract's shape, naming the field, and changes nothing.
    for (const json of [{ maxCost: "a lot" }, { maxCost: -1 }, { maxCost: 0 }]) {
      const refused = await call(resumeRoute.POST, { method: "POST", params: { id: execution.id }, json });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: "validation_failed" });
      expect(refused.body.error.message).toContain("maxCost");
    }
    const malformedStart = await call(executionsRoute.POST, {
      method: "POST",
      params: { id: batch.id },
      json: { mode: "production", maxCost: "ten" },
    });
    expect(malformedStart.status).toBe(400);
    expect(malformedStart.body.error.message).toContain("maxCost");
    expect((await getExecution(execution.id)).status).toBe("paused");

    // Lifted: it runs to the end.
    await resume(execution.id, { maxCost: null });
    await waitFor(async () => (await getExecution(execution.id)).status === "completed", "the run to complete");
    const done = await getExecution(execution.id);
    expect(done).toMatchObject({ maxCost: null, pauseReason: null, stats: { completed: 10 } });
    expect(done.spend.costUsd).toBeCloseTo(0.1, 10);
    const resumed = (await gapFreeLog(t.runtime.db, execution.id)).filter((e) => e.type === "execution_resumed");
    expect(resumed.map((e) => (e.data as { maxCost?: number | null }).maxCost)).toEqual([0.05, null]);
  });
});
