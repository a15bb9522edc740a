import { describe, expect, it } from "vitest";
import { estimate } from "@/server/executions/estimate";
import { backoffMs } from "@/server/scheduler/backoff";

const env = { DEFAULT_JOB_DURATION_MS: 6000, PRICE_PER_AGENT_MINUTE: 0.02 };

describe("estimate", () => {
  it("spreads jobs over the slots and prices agent-minutes", () => {
    expect(
      estimate(
        {
          mode: "test",
          sampleSize: 20,
          concurrency: 5,
          rowCount: 100,
          agent: { engine: "browser" },
          historicalAvgMs: null,
          historicalAvgCostUsd: null,
        },
        env,
      ),
    ).toEqual({
      totalJobs: 20,
      estimatedDurationMs: 4 * 6000,
      estimatedCost: 0.04,
      basis: "config",
    });
  });

  it("prefers measured history, then the simulated duration, then the default", () => {
    const base = { mode: "production" as const, sampleSize: 5, concurrency: 3, rowCount: 7 };
    expect(
      estimate(
        {
          ...base,
          agent: { engine: "simulated", simulate: { durationMs: 100 } },
          historicalAvgMs: 2500,
          historicalAvgCostUsd: null,
        },
        env,
      ).estimatedDurationMs,
    ).toBe(3 * 2500);
    expect(
      estimate(
        {
          ...base,
          agent: { engine: "simulated", simulate: { durationMs: 100 } },
          historicalAvgMs: null,
          historicalAvgCostUsd: null,
        },
        env,
      ).estimatedDurationMs,
    ).toBe(300);
    expect(
      estimate({ ...base, agent: {}, historicalAvgMs: null, historicalAvgCostUsd: null }, env).estimatedDurationMs,
    ).toBe(18_000);
  });

  it("adds the batch's measured model spend per job, so a test run makes the production estimate real", () => {
    const measured = estimate(
      {
        mode: "production",
        sampleSize: 5,
        concurrency: 4,
        rowCount: 40,
        agent: { engine: "agent" },
        historicalAvgMs: 30_000,
        historicalAvgCostUsd: 0.0125,
      },
      { ...env, PRICE_PER_AGENT_MINUTE: 0 },
    );
    expect(measured).toEqual({ totalJobs: 40, estimatedDurationMs: 10 * 30_000, estimatedCost: 0.5, basis: "history" });
  });

  it("takes no more rows than the batch has", () => {
    expect(
      estimate(
        {
          mode: "test",
          sampleSize: 50,
          concurrency: 5,
          rowCount: 3,
          agent: {},
          historicalAvgMs: null,
          historicalAvgCostUsd: null,
        },
        env,
      ).totalJobs,
    ).toBe(3);
  });
});

describe("retry backoff", () => {
  it("grows exponentially with jitter and a cap", () => {
    for (let i = 0; i < 50; i++) {
      const first = backoffMs(1, 1000);
      const third = backoffMs(3, 1000);
      expect(first).toBeGreaterThanOrEqual(500);
      expect(first).toBeLessThanOrEqual(1000);
      expect(third).toBeGreaterThanOrEqual(2000);
      expect(third).toBeLessThanOrEqual(4000);
      expect(backoffMs(30, 1000, 60_000)).toBeLessThanOrEqual(60_000);
    }
  });
});
