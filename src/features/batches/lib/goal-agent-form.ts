import type { AgentConfigRequest } from "@/lib/client/endpoints";
import { type OUTPUT_FIELD_TYPES, type OutputField, TRUNCATED_KEY } from "@/lib/contract/agent";
import { wholeNumber } from "./estimate";

/** The goal-driven engine's part of the new-batch form, as typed (text, so a half-typed number stays as it is). */

export type OutputFieldType = (typeof OUTPUT_FIELD_TYPES)[number];

export interface OutputFieldRow {
  /** Stable across edits, for React keys and labels. */
  key: number;
  name: string;
  type: OutputFieldType;
}

export interface GoalAgentForm {
  model: string;
  instructions: string;
  maxSteps: string;
  timeoutSeconds: string;
  outputFields: OutputFieldRow[];
}

export const DEFAULT_MAX_STEPS = 15;
export const MAX_STEPS_LIMIT = 50;
/** A model thinks between actions: a goal takes longer than a fixed-step page visit (60 s for the others). */
export const DEFAULT_AGENT_TIMEOUT_SECONDS = 180;
export const MAX_TIMEOUT_SECONDS = 600;
export const MAX_OUTPUT_FIELDS = 50;
const MAX_FIELD_NAME = 100;

export const OUTPUT_TYPE_LABELS: Record<OutputFieldType, string> = {
  string: "Text",
  number: "Number",
  integer: "Whole number",
  boolean: "Yes / no",
};

export const emptyGoalAgentForm = (): GoalAgentForm => ({
  model: "",
  instructions: "",
  maxSteps: String(DEFAULT_MAX_STEPS),
  timeoutSeconds: String(DEFAULT_AGENT_TIMEOUT_SECONDS),
  outputFields: [],
});

/**
 * The answer's fields from the form's rows: names trimmed, rows left without a name ignored (an unfinished row is not
 * an error), each name once, none reserved. `error` says what to fix, in words.
 */
export function parseOutputFields(rows: readonly Pick<OutputFieldRow, "name" | "type">[]): {
  fields: OutputField[];
  error: string | null;
} {
  const fields: OutputField[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const name = row.name.trim();
    if (!name) continue;
    if (name === TRUNCATED_KEY) return { fields, error: `“${TRUNCATED_KEY}” is reserved: choose another field name.` };
    if (name.length > MAX_FIELD_NAME) return { fields, error: `Field names are at most ${MAX_FIELD_NAME} characters.` };
    if (seen.has(name)) return { fields, error: `“${name}” is named twice: each field needs its own name.` };
    seen.add(name);
    fields.push({ name, type: row.type });
  }
  if (fields.length > MAX_OUTPUT_FIELDS) return { fields, error: `At most ${MAX_OUTPUT_FIELDS} fields.` };
  return { fields, error: null };
}

export interface GoalAgentProblems {
  maxSteps: string | null;
  timeoutSeconds: string | null;
  outputFields: string | null;
}

/** What the form would send wrongly, field by field (null where it is fine). */
export function goalAgentProblems(form: GoalAgentForm): GoalAgentProblems {
  const steps = wholeNumber(form.maxSteps);
  const seconds = wholeNumber(form.timeoutSeconds);
  return {
    maxSteps:
      steps === null || steps < 1 || steps > MAX_STEPS_LIMIT
        ? `Max steps must be a whole number from 1 to ${MAX_STEPS_LIMIT}.`
        : null,
    timeoutSeconds:
      seconds === null || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS
        ? `The timeout must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}.`
        : null,
    outputFields: parseOutputFields(form.outputFields).error,
  };
}

export const hasProblems = (problems: GoalAgentProblems) => Object.values(problems).some((p) => p !== null);

/** The batch's agent settings for a valid form: blank text left out, so the server's defaults apply. */
export function goalAgentRequest(form: GoalAgentForm): AgentConfigRequest {
  const { fields } = parseOutputFields(form.outputFields);
  const model = form.model.trim();
  const instructions = form.instructions.trim();
  return {
    engine: "agent",
    timeoutMs: (wholeNumber(form.timeoutSeconds) ?? DEFAULT_AGENT_TIMEOUT_SECONDS) * 1000,
    agent: {
      maxSteps: wholeNumber(form.maxSteps) ?? DEFAULT_MAX_STEPS,
      ...(model ? { model } : {}),
      ...(instructions ? { instructions } : {}),
      ...(fields.length > 0 ? { outputSchema: fields } : {}),
    },
  };
}
