// The pure helpers behind the goal-driven agent's UI: the batch form's settings, the live view's spend, the money.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { looksLikeUrl } from "@/features/batches/lib/csv-preview";
import { describeBasis } from "@/features/batches/lib/estimate";
import {
  emptyGoalAgentForm,
  goalAgentProblems,
  goalAgentRequest,
  hasProblems,
  parseOutputFields,
} from "@/features/batches/lib/goal-agent-form";
import { BudgetPauseBanner } from "@/features/executions/components/budget-pause-banner";
import { budgetPauseTitle, parseUsd, showsSpend, spendSummary, suggestedCap } from "@/features/executions/lib/spend";
import { agentConfigSchema } from "@/lib/contract/agent";
import { formatSpend, formatTokens } from "@/lib/format";

describe("the goal-driven agent's batch settings", () => {
  it("reads the answer fields: names trimmed, blank rows ignored, duplicates and the reserved name refused", () => {
    expect(
      parseOutputFields([
        { name: " price ", type: "number" },
        { name: "", type: "string" },
        { name: "inStock", type: "boolean" },
      ]),
    ).toEqual({
      fields: [
        { name: "price", type: "number" },
        { name: "inStock", type: "boolean" },
      ],
      error: null,
    });
    expect(parseOutputFields([]).fields).toEqual([]);
    expect(
      parseOutputFields([
        { name: "price", type: "number" },
        { name: "price ", type: "string" },
      ]).error,
    ).toBe("“price” is named twice: each field needs its own name.");
    expect(parseOutputFields([{ name: "_truncated", type: "string" }]).error).toMatch(/reserved/);
    expect(parseOutputFields([{ name: "x".repeat(101), type: "string" }]).error).toMatch(/at most 100/);
  });

  it("checks max steps (1-50) and the timeout (1-600 s) as whole numbers", () => {
    const form = emptyGoalAgentForm();
    expect(form).toMatchObject({ maxSteps: "15", timeoutSeconds: "180" });
    expect(hasProblems(goalAgentProblems(form))).toBe(false);
    expect(goalAgentProblems({ ...form, maxSteps: "0" }).maxSteps).toBe(
      "Max steps must be a whole number from 1 to 50.",
    );
    expect(goalAgentProblems({ ...form, maxSteps: "51" }).maxSteps).not.toBeNull();
    expect(goalAgentProblems({ ...form, maxSteps: "2.5" }).maxSteps).not.toBeNull();
    expect(goalAgentProblems({ ...form, timeoutSeconds: "601" }).timeoutSeconds).toMatch(/1 to 600/);
    expect(goalAgentProblems({ ...form, timeoutSeconds: "" }).timeoutSeconds).not.toBeNull();
  });

  it("sends what the contract accepts, blank text left to the server's defaults", () => {
    const minimal = goalAgentRequest(emptyGoalAgentForm());
    expect(minimal).toEqual({ engine: "agent", timeoutMs: 180_000, agent: { maxSteps: 15 } });
    const full = goalAgentRequest({
      model: " qwen2.5:7b ",
      instructions: "Ship to {{postcode}}",
      maxSteps: "8",
      timeoutSeconds: "90",
      outputFields: [
        { key: 1, name: "deliveryDays", type: "integer" },
        { key: 2, name: " ", type: "string" },
      ],
    });
    expect(full).toEqual({
      engine: "agent",
      timeoutMs: 90_000,
      agent: {
        model: "qwen2.5:7b",
        instructions: "Ship to {{postcode}}",
        maxSteps: 8,
        outputSchema: [{ name: "deliveryDays", type: "integer" }],
      },
    });
    expect(agentConfigSchema.safeParse(minimal).success).toBe(true);
    expect(agentConfigSchema.safeParse(full).success).toBe(true);
  });

  it("takes the demo shop's loopback URLs for URLs in the preview, as the server does", () => {
    expect(looksLikeUrl("http://127.0.0.1:40617/demo/products/oak-kettle")).toBe(true);
    expect(looksLikeUrl("localhost:3000/demo")).toBe(true);
    expect(looksLikeUrl("12.5")).toBe(false);
    expect(looksLikeUrl("localhost-ish")).toBe(false);
  });

  it("says what the estimate rests on", () => {
    expect(describeBasis("history", true)).toBe(
      "Based on this batch's finished jobs: their average time and model spend.",
    );
    expect(describeBasis("config", true)).toMatch(/^Based on the batch's settings, no model spend yet/);
    expect(describeBasis("history", false)).toBe("Based on this batch's finished jobs: their average time.");
  });
});

describe("spend in the live view", () => {
  const execution = (costUsd: number, maxCost: number | null = null) => ({
    spend: { costUsd, inputTokens: 40_000, outputTokens: 800 },
    maxCost,
  });
  const stats = { total: 10, completed: 3, failed: 1, cancelled: 0 };

  it("adds the running jobs' spend so far to the finished jobs' and projects the rest from the finished average", () => {
    const running = [
      { usage: { costUsd: 0.05, inputTokens: 5000, outputTokens: 100 } },
      {}, // a job that has not called its model yet
      { usage: { costUsd: 0.02, inputTokens: 2000, outputTokens: 50 } },
    ];
    const summary = spendSummary(execution(0.4, 1), stats, running);
    expect(summary.spentUsd).toBeCloseTo(0.47, 10);
    expect(summary.inputTokens).toBe(47_000);
    expect(summary.outputTokens).toBe(950);
    expect(summary.capUsd).toBe(1);
    // $0.40 over 4 finished jobs: $0.10 each for the 6 not finished.
    expect(summary.projectedUsd).toBeCloseTo(1.0, 10);
  });

  it("projects no less than what is spent, and only the spend while nothing has finished", () => {
    const none = { total: 5, completed: 0, failed: 0, cancelled: 0 };
    expect(
      spendSummary(execution(0), none, [{ usage: { costUsd: 0.3, inputTokens: 1, outputTokens: 1 } }]),
    ).toMatchObject({ spentUsd: 0.3, projectedUsd: 0.3 });
    // Cancelled jobs will not run: they add nothing to the projection.
    const stopped = spendSummary(execution(0.2), { total: 10, completed: 2, failed: 0, cancelled: 8 }, []);
    expect(stopped.projectedUsd).toBeCloseTo(0.2, 10);
  });

  it("is shown for goal batches always, for others once they spend", () => {
    const zero = spendSummary({ spend: { costUsd: 0, inputTokens: 0, outputTokens: 0 }, maxCost: null }, stats, []);
    expect(showsSpend("agent", zero)).toBe(true);
    expect(showsSpend("simulated", zero)).toBe(false);
    expect(showsSpend(null, zero)).toBe(false);
    expect(showsSpend("browser", spendSummary(execution(0.01), stats, []))).toBe(true);
  });

  it("reads a spend cap as typed, and proposes a raised one", () => {
    expect(parseUsd("1")).toBe(1);
    expect(parseUsd(" $2.50 ")).toBe(2.5);
    expect(parseUsd(".5")).toBe(0.5);
    expect(parseUsd("1,000")).toBe(1000);
    for (const bad of ["", "0", "-1", "abc", "1e3", "2.5.1", "1000001"]) expect(parseUsd(bad)).toBeNull();
    expect(suggestedCap(1.01, 1)).toBe(2.02);
    expect(suggestedCap(0.3, 1)).toBe(2);
    expect(suggestedCap(0, null)).toBe(1);
    expect(suggestedCap(0.123, 0.1)).toBe(0.25);
  });

  it("names the budget pause in the banner's words", () => {
    expect(budgetPauseTitle(1, 1.01)).toBe("Paused: the $1.00 spend cap is reached — $1.01 spent");
    expect(budgetPauseTitle(null, 0.5)).toBe("Paused: the spend cap is reached — $0.50 spent");
  });
});

describe("money and tokens", () => {
  it("shows spend in cents, and its first figures below a cent", () => {
    expect(formatSpend(0)).toBe("$0.00");
    expect(formatSpend(0.42)).toBe("$0.42");
    expect(formatSpend(1234.5)).toBe("$1,234.50");
    expect(formatSpend(0.0031)).toBe("$0.0031");
    expect(formatSpend(0.00004)).toBe("$0.00004");
    expect(formatSpend(Number.NaN)).toBe("$0.00");
  });

  it("shortens token counts", () => {
    expect(formatTokens(0)).toBe("0");
    expect(formatTokens(950)).toBe("950");
    expect(formatTokens(12_345)).toBe("12.3k");
    expect(formatTokens(20_000)).toBe("20k");
    expect(formatTokens(450_000)).toBe("450k");
    expect(formatTokens(999_999)).toBe("1M");
    expect(formatTokens(1_250_000)).toBe("1.3M");
  });
});

describe("the budget pause banner", () => {
  const render = (props: { resumable: boolean; canSteer?: boolean }) =>
    renderToStaticMarkup(createElement(BudgetPauseBanner, { capUsd: 1, spentUsd: 1.02, ...props }));

  it("tells whoever can resume where to, and a viewer who can", () => {
    expect(render({ resumable: true })).toContain("Resume to raise the cap or lift it.");
    expect(render({ resumable: false })).toContain("Open the live view and resume there");
    const viewer = render({ resumable: true, canSteer: false });
    expect(viewer).toContain("An operator of this project can resume it");
    expect(viewer).not.toContain("Resume to raise");
  });
});
