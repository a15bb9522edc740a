import { describe, expect, it } from "vitest";
import { cleanStep, describeConfigChange, sameConfig } from "@/features/batches/lib/config-edit";
import { type AgentConfig, agentConfigSchema } from "@/lib/contract/agent";

const config = (c: Partial<AgentConfig>): AgentConfig => agentConfigSchema.parse(c);

describe("the agent config form's helpers", () => {
  const base = config({ engine: "http", fields: [{ name: "price", selector: ".price" }] as AgentConfig["fields"] });

  it("describes a version's change from the one before in one line", () => {
    expect(describeConfigChange(null, base)).toBe("Uploaded with the batch");
    const next = config({
      engine: "browser",
      fields: [
        { name: "price", selector: "h1" },
        { name: "stock", selector: ".stock", multiple: true },
      ] as AgentConfig["fields"],
      steps: [{ action: "click", selector: "#more" }],
      timeoutMs: 30_000,
      maxRetries: 0,
    });
    expect(describeConfigChange(base, next)).toBe(
      "engine http → browser; price: .price → h1; + field stock; steps: click #more; timeout 60 s → 30 s; retries 2 → 0",
    );
    expect(describeConfigChange(next, base)).toMatch(/− field stock; steps: none/);
    expect(describeConfigChange(base, { ...base, simulate: { durationMs: 5, failRate: 0 } })).toBe(
      "Engine settings changed",
    );
  });

  it("compares configs whatever their key order, and keeps a step's inputs that its action uses", () => {
    const { maxRetries, ...rest } = base;
    const reordered = JSON.parse(JSON.stringify({ maxRetries, ...rest })) as AgentConfig;
    expect(sameConfig(base, reordered)).toBe(true);
    expect(sameConfig(base, { ...base, timeoutMs: 1000 })).toBe(false);
    expect(cleanStep({ action: "goto", selector: "#x", url: "https://a.example/{{id}}" })).toEqual({
      action: "goto",
      url: "https://a.example/{{id}}",
    });
    expect(cleanStep({ action: "fill", selector: "#q", value: "{{name}}", url: "" })).toEqual({
      action: "fill",
      selector: "#q",
      value: "{{name}}",
    });
  });
});
