import { z } from "zod";
import type { OutputField } from "@/lib/contract/agent";
import type { ChatTool } from "./llm-client";

/**
 * The actions the model may choose, one per step: as tools (tool calling) or as a JSON object (JSON mode), both
 * parsed by the same zod schemas so a malformed choice is caught the same way.
 */

const reason = z.string().max(2000).default("");
const ref = z
  .string()
  .trim()
  .regex(/^\[?(?:f\d+)?e\d+\]?$/, "a ref looks like e12 (from the snapshot's [e12])")
  .transform((r) => r.replace(/[[\]]/g, ""));

const ACTION_SCHEMAS = {
  click: z.object({ ref, reason }),
  type: z.object({ ref, text: z.string().max(5000), submit: z.boolean().optional(), reason }),
  select: z.object({ ref, option: z.string().min(1).max(500), reason }),
  press: z.object({ key: z.string().min(1).max(40), ref: ref.optional(), reason }),
  scroll: z.object({ direction: z.enum(["up", "down"]), reason }),
  goto: z.object({ url: z.string().min(1).max(4000), reason }),
  back: z.object({ reason }),
  wait_for: z.object({
    text: z.string().min(1).max(500).optional(),
    seconds: z.number().min(0).max(30).optional(),
    reason,
  }),
  answer: z.object({ answer: z.unknown(), reason }),
  give_up: z.object({ reason: z.string().min(1).max(2000) }),
} as const;

export type ActionName = keyof typeof ACTION_SCHEMAS;
export const ACTION_NAMES = Object.keys(ACTION_SCHEMAS) as ActionName[];

export type Action = {
  [K in ActionName]: { action: K } & z.infer<(typeof ACTION_SCHEMAS)[K]>;
}[ActionName];

export type ParsedAction = { ok: true; action: Action } | { ok: false; problem: string };

const isActionName = (name: string): name is ActionName => Object.hasOwn(ACTION_SCHEMAS, name);

/** A tool call's name and argument text → an action, or the problem in words the model can fix. */
export function parseToolCall(name: string, argumentsText: string): ParsedAction {
  if (!isActionName(name))
    return { ok: false, problem: `there is no tool "${name}"; use one of ${ACTION_NAMES.join(", ")}` };
  let args: unknown;
  try {
    args = argumentsText.trim() === "" ? {} : JSON.parse(argumentsText);
  } catch {
    return { ok: false, problem: `the arguments of ${name} are not valid JSON` };
  }
  return parseArguments(name, args);
}

/** JSON mode: the reply's content, `{"action": "click", "ref": "e12", "reason": "…"}`. */
export function parseJsonAction(content: string | null): ParsedAction {
  const text = (content ?? "").trim();
  if (!text) return { ok: false, problem: "the reply was empty; answer with one JSON object" };
  let value: unknown;
  try {
    value = JSON.parse(stripCodeFence(text));
  } catch {
    return { ok: false, problem: "the reply is not one valid JSON object" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { ok: false, problem: "the reply must be one JSON object" };
  const { action, ...args } = value as Record<string, unknown>;
  if (typeof action !== "string" || !isActionName(action))
    return { ok: false, problem: `"action" must be one of ${ACTION_NAMES.join(", ")}` };
  return parseArguments(action, args);
}

function parseArguments(name: ActionName, args: unknown): ParsedAction {
  const parsed = ACTION_SCHEMAS[name].safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "arguments";
    return { ok: false, problem: `${name}: ${field}: ${issue.message}` };
  }
  return { ok: true, action: { action: name, ...parsed.data } as Action };
}

/** Small models often wrap JSON in a Markdown fence. */
function stripCodeFence(text: string): string {
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(text);
  return fenced ? fenced[1]! : text;
}

const REASON = { type: "string", description: "One short sentence: why this action brings the goal closer." };
const REF = { type: "string", description: "The element's ref from the snapshot, e.g. e12." };

/** The JSON schema of the answer: the output fields, or one free-text answer. */
export function answerJsonSchema(fields: OutputField[] | undefined): Record<string, unknown> {
  if (!fields?.length) return { type: "string", description: "The answer to the goal, complete and self-contained." };
  return {
    type: "object",
    properties: Object.fromEntries(
      fields.map((f) => [f.name, { type: f.type, ...(f.description ? { description: f.description } : {}) }]),
    ),
    required: fields.map((f) => f.name),
    additionalProperties: false,
  };
}

const fn = (name: ActionName, description: string, properties: Record<string, unknown>, required: string[]) => ({
  type: "function" as const,
  function: {
    name,
    description,
    parameters: { type: "object", properties: { ...properties, reason: REASON }, required: [...required, "reason"] },
  },
});

/** The actions as OpenAI function tools. */
export function actionTools(fields: OutputField[] | undefined): ChatTool[] {
  return [
    fn("click", "Click an element (link, button, checkbox, …).", { ref: REF }, ["ref"]),
    fn(
      "type",
      "Replace the text of a text box with `text`; `submit: true` presses Enter after.",
      { ref: REF, text: { type: "string" }, submit: { type: "boolean" } },
      ["ref", "text"],
    ),
    fn("select", "Choose an option of a select box, by its label.", { ref: REF, option: { type: "string" } }, [
      "ref",
      "option",
    ]),
    fn(
      "press",
      "Press a key (Enter, Tab, Escape, ArrowDown, PageDown, …), on an element when `ref` is given.",
      { key: { type: "string" }, ref: REF },
      ["key"],
    ),
    fn("scroll", "Scroll the page up or down by one screen.", { direction: { type: "string", enum: ["up", "down"] } }, [
      "direction",
    ]),
    fn("goto", "Open a URL (absolute, or relative to the current page).", { url: { type: "string" } }, ["url"]),
    fn("back", "Go back to the previous page.", {}, []),
    fn(
      "wait_for",
      "Wait until `text` appears on the page (up to 10 s), or for `seconds`.",
      { text: { type: "string" }, seconds: { type: "number" } },
      [],
    ),
    fn("answer", "Finish: give the answer to the goal.", { answer: answerJsonSchema(fields) }, ["answer"]),
    {
      type: "function",
      function: {
        name: "give_up",
        description: "Finish without an answer: the goal cannot be reached on this site. Say why.",
        parameters: { type: "object", properties: { reason: REASON }, required: ["reason"] },
      },
    },
  ];
}

/** JSON mode: the same actions, described in words for the system prompt. */
export function actionsInWords(fields: OutputField[] | undefined): string {
  const answerShape = fields?.length
    ? `{${fields.map((f) => `"${f.name}": <${f.type}>`).join(", ")}}`
    : '"<the answer as text>"';
  return [
    'Reply with exactly one JSON object: {"action": <name>, ...its fields, "reason": "<one short sentence>"}. Actions:',
    '- {"action": "click", "ref": "e12"}',
    '- {"action": "type", "ref": "e12", "text": "…", "submit": false}  (replaces the text box\'s text)',
    '- {"action": "select", "ref": "e12", "option": "<option label>"}',
    '- {"action": "press", "key": "Enter", "ref": "e12"}  (ref optional)',
    '- {"action": "scroll", "direction": "down"}',
    '- {"action": "goto", "url": "https://…"}',
    '- {"action": "back"}',
    '- {"action": "wait_for", "text": "…"}  or  {"action": "wait_for", "seconds": 2}',
    `- {"action": "answer", "answer": ${answerShape}}`,
    '- {"action": "give_up", "reason": "why the goal cannot be reached"}',
  ].join("\n");
}

/** The action in short form, for the transcript and the progress detail: `click e12`, `type e7 "SW1A 1AA"`. */
export function shortForm(action: Action): string {
  const q = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 79)}…` : s);
  switch (action.action) {
    case "click":
      return `click ${action.ref}`;
    case "type":
      return `type ${action.ref} ${q(action.text)}${action.submit ? " +Enter" : ""}`;
    case "select":
      return `select ${action.ref} ${q(action.option)}`;
    case "press":
      return `press ${action.key}${action.ref ? ` on ${action.ref}` : ""}`;
    case "scroll":
      return `scroll ${action.direction}`;
    case "goto":
      return `goto ${action.url.slice(0, 300)}`;
    case "back":
      return "back";
    case "wait_for":
      return action.text ? `wait_for ${q(action.text)}` : `wait_for ${action.seconds ?? 1} s`;
    case "answer":
      return `answer ${JSON.stringify(action.answer)?.slice(0, 300) ?? ""}`;
    case "give_up":
      return "give_up";
  }
}
