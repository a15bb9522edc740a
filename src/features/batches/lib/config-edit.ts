import type { AgentConfig, AgentField, AgentStep } from "@/lib/contract/agent";

/**
 * The agent config form's pure parts: a blank field or step, whether an edit differs from the saved config, and a
 * version's change from the one before it in one line ("price: .price → h1; timeout 60 s → 30 s").
 */

export const blankField = (): AgentField => ({
  name: "",
  selector: "",
  attribute: "textContent",
  multiple: false,
  required: false,
});

export const blankStep = (): AgentStep => ({ action: "click", selector: "" });

/** The config as the server would store it, key order aside: what "changed" and "identical" compare. */
export function canonicalConfig(config: AgentConfig): string {
  return JSON.stringify(config, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, value]) => value !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

export const sameConfig = (a: AgentConfig, b: AgentConfig) => canonicalConfig(a) === canonicalConfig(b);

/** A step without the inputs its action does not use: a "goto" has a URL, the others a selector. */
export function cleanStep(step: AgentStep): AgentStep {
  const out: AgentStep = { action: step.action };
  if (step.action === "goto") {
    if (step.url) out.url = step.url;
  } else if (step.selector) out.selector = step.selector;
  if (step.action === "fill" && step.value) out.value = step.value;
  if (step.label) out.label = step.label;
  return out;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const describeStep = (s: AgentStep) =>
  s.action === "goto" ? `goto ${s.url ?? ""}`.trim() : `${s.action} ${s.selector ?? ""}`.trim();

/** One line: what `next` changed from `previous` (null: the upload's own config). */
export function describeConfigChange(previous: AgentConfig | null, next: AgentConfig): string {
  if (!previous) return "Uploaded with the batch";
  const changes: string[] = [];
  if (previous.engine !== next.engine) changes.push(`engine ${previous.engine} → ${next.engine}`);
  const before = new Map(previous.fields.map((f) => [f.name, f]));
  const after = new Map(next.fields.map((f) => [f.name, f]));
  for (const [name, field] of after) {
    const old = before.get(name);
    if (!old) changes.push(`+ field ${name}`);
    else {
      if (old.selector !== field.selector) changes.push(`${name}: ${old.selector} → ${field.selector}`);
      if (old.attribute !== field.attribute) changes.push(`${name}: ${old.attribute} → ${field.attribute}`);
      if (old.multiple !== field.multiple) changes.push(`${name}: ${field.multiple ? "all matches" : "first match"}`);
    }
  }
  for (const name of before.keys()) if (!after.has(name)) changes.push(`− field ${name}`);
  const stepsBefore = previous.steps.map(describeStep).join(", ");
  const stepsAfter = next.steps.map(describeStep).join(", ");
  if (stepsBefore !== stepsAfter) changes.push(`steps: ${stepsAfter || "none"}`);
  if (previous.timeoutMs !== next.timeoutMs)
    changes.push(`timeout ${seconds(previous.timeoutMs)} → ${seconds(next.timeoutMs)}`);
  if (previous.maxRetries !== next.maxRetries) changes.push(`retries ${previous.maxRetries} → ${next.maxRetries}`);
  if (changes.length === 0) changes.push(sameConfig(previous, next) ? "No change" : "Engine settings changed");
  return changes.join("; ");
}
