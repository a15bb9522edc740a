import { type OutputField, TRUNCATED_KEY } from "@/lib/contract/agent";
import { type ExtractionLimits, extractionLimits, truncateUtf8 } from "../limits";

/**
 * The model's answer becomes the job's extracted data, so the results table, exports and re-runs work unchanged:
 * with an output schema, one key per field, of exactly the field's type (no guessing: "$44.99" is not a number, and
 * the model is asked once to correct it); without, `{ answer: "<text>" }`. Text is held to the extraction limits
 * like every engine's fields, and cut fields are listed under `_truncated`.
 */

export type CheckedAnswer = { ok: true; data: Record<string, unknown> } | { ok: false; problem: string };

export function checkAnswer(
  answer: unknown,
  fields: OutputField[] | undefined,
  limits: ExtractionLimits = extractionLimits(),
): CheckedAnswer {
  if (!fields?.length) {
    const text = typeof answer === "number" || typeof answer === "boolean" ? String(answer) : answer;
    if (typeof text !== "string" || text.trim() === "") return { ok: false, problem: "answer must be non-empty text" };
    return { ok: true, data: fitToLimits({ answer: text.trim() }, limits) };
  }

  const value = typeof answer === "string" ? parseObject(answer) : answer;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, problem: `answer must be an object with the fields ${fields.map((f) => f.name).join(", ")}` };
  }
  const given = value as Record<string, unknown>;
  const problems: string[] = [];
  const data: Record<string, unknown> = {};
  for (const field of fields) {
    const v = given[field.name];
    if (v === undefined || v === null) problems.push(`${field.name} is missing`);
    else if (!hasType(v, field.type)) problems.push(`${field.name} must be ${article(field.type)}, not ${describe(v)}`);
    else data[field.name] = typeof v === "string" ? v.trim() : v;
  }
  if (problems.length > 0) return { ok: false, problem: problems.join("; ") };
  return { ok: true, data: fitToLimits(data, limits) };
}

function hasType(value: unknown, type: OutputField["type"]): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
  }
}

const article = (type: string) => (type === "integer" ? "an integer" : `a ${type}`);

function describe(value: unknown): string {
  if (typeof value === "string")
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value)}`;
  if (typeof value === "number") return `the number ${value}`;
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Small models sometimes send the object as a JSON string. */
function parseObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Each text to the field limit, all of them to the result limit (in field order); cut ones are named. */
function fitToLimits(data: Record<string, unknown>, limits: ExtractionLimits): Record<string, unknown> {
  const names = Object.keys(data);
  let room =
    limits.maxResultBytes - jsonBytes({ ...Object.fromEntries(names.map((n) => [n, ""])), [TRUNCATED_KEY]: names });
  const truncated: string[] = [];
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const value = data[name];
    if (typeof value !== "string") {
      out[name] = value;
      room -= jsonBytes(value);
      continue;
    }
    // JSON escaping can only grow a text: cutting to the bytes left, then checking its JSON size, stays inside.
    let cut = truncateUtf8(value, Math.max(0, Math.min(limits.maxFieldBytes, room)));
    while (cut.text && jsonBytes(cut.text) - 2 > Math.max(0, room)) {
      cut = { text: truncateUtf8(cut.text, Math.floor(cut.text.length / 2)).text, truncated: true };
    }
    if (cut.truncated) truncated.push(name);
    out[name] = cut.text;
    room -= jsonBytes(cut.text) - 2;
  }
  if (truncated.length > 0) out[TRUNCATED_KEY] = truncated;
  return out;
}
