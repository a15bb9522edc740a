import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A test double of an OpenAI-compatible provider: POST /v1/chat/completions on 127.0.0.1, answering with tool calls
 * (when the request offers tools) or with the action as JSON content (JSON mode), with `usage` in every answer.
 *
 * The answers come from a scripted policy that READS what the agent actually sent: the latest page between the data
 * markers, the refs in it, the result of the last action. So a snapshot without refs, an element lost between steps
 * or a wrong action makes a test fail. It can also be told to misbehave: 429 with Retry-After, 500, a refusal of
 * tools, malformed tool calls, invalid JSON. Every request is recorded (headers, body, when, usage answered).
 */

export interface ChatBody {
  model: string;
  messages: { role: string; content?: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; parameters: unknown } }[];
  response_format?: { type: string };
}

export interface RecordedRequest {
  at: number;
  headers: IncomingHttpHeaders;
  /** The raw request body, for "the key is in no prompt" checks. */
  text: string;
  body: ChatBody;
  /** The HTTP status answered. */
  status: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

/** The page as the agent showed it: the text between the markers, and what can be read off it. */
export class PageView {
  constructor(readonly text: string) {}

  get url(): string {
    return /^URL: (.*)$/m.exec(this.text)?.[1] ?? "";
  }

  /** The ref of the first element of `role` whose accessible name contains `name` (case-insensitive). */
  ref(role: string, name: string): string {
    const found = this.find(role, name);
    if (!found) throw new Error(`no ${role} named like "${name}" with a ref in the snapshot`);
    return found.ref;
  }

  find(role: string, name: string): { ref: string; line: string } | null {
    for (const line of this.text.split("\n")) {
      const m = /^\s*- (\S+) "([^"]*)" \[((?:f\d+)?e\d+)\]/.exec(line);
      if (m && m[1] === role && m[2]!.toLowerCase().includes(name.toLowerCase())) return { ref: m[3]!, line };
    }
    return null;
  }

  has(text: string): boolean {
    return this.text.includes(text);
  }

  /** The first match of `pattern` anywhere in the page text. */
  match(pattern: RegExp): RegExpExecArray | null {
    return pattern.exec(this.text);
  }
}

export interface Turn {
  /** The latest page the agent sent (null if none: a policy that needs one fails). */
  page: PageView | null;
  /** The result line the agent sent for its last action ("clicked; now at …", "refused: …"), if any. */
  lastResult: string | null;
  /** The last message's text (a corrective re-prompt, a repair request). */
  lastMessage: string;
  /** How many answers the server gave before this one (faults included). */
  index: number;
  body: ChatBody;
}

/** What the policy answers: an action (sent as a tool call or as JSON, as the request allows), or a misbehaviour. */
export type Reply =
  | { action: string; args?: Record<string, unknown>; reason?: string }
  | { malformed: "invalid-arguments" | "unknown-tool" | "no-tool" | "invalid-json" };

export type Policy = (turn: Turn) => Reply;

export type Fault = { status: 429; retryAfter?: string } | { status: 500 } | { status: 401; echoKey?: boolean };

export interface FakeLlm {
  baseURL: string;
  requests: RecordedRequest[];
  /** Faults answered, in order, before the policy is asked again (one request each). */
  faults: Fault[];
  /** Errors the policy threw (it answers give_up with them, so the job fails too). */
  policyErrors: string[];
  close(): Promise<void>;
}

export interface FakeLlmOptions {
  policy: Policy;
  /** "no-tools" answers 400 to any request offering tools, like an Ollama model without tool support. */
  server?: "tools" | "no-tools";
  /** When set, 401 for any other bearer token. */
  apiKey?: string;
  /** Tokens to report per answer; by default ~chars/4 of the request and of the answer. */
  usage?: (body: string, answer: string) => { prompt_tokens: number; completion_tokens: number };
  /** How long each answer takes, like a model thinking (0 by default): lets a live view show each step. */
  delayMs?: number;
}

const DATA_BLOCK = /<<<PAGE DATA ([0-9a-f]+)>>>\n([\s\S]*?)\n<<<END PAGE DATA \1>>>/g;

export function latestPage(body: ChatBody): PageView | null {
  for (const message of [...body.messages].reverse()) {
    const blocks = [...(message.content ?? "").matchAll(DATA_BLOCK)];
    if (blocks.length > 0) return new PageView(blocks.at(-1)![2]!);
  }
  return null;
}

export async function startFakeLlm(options: FakeLlmOptions): Promise<FakeLlm> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const policyErrors: string[] = [];
  let calls = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const record: RecordedRequest = {
        at: Date.now(),
        headers: req.headers,
        text,
        body: { model: "", messages: [] },
        status: 200,
      };
      requests.push(record);
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        record.status = status;
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== "POST" || req.url !== "/v1/chat/completions")
        return send(404, { error: { message: "not found" } });
      try {
        record.body = JSON.parse(text) as ChatBody;
      } catch {
        return send(400, { error: { message: "body is not JSON" } });
      }
      if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`)
        return send(401, { error: { message: "Incorrect API key provided" } });

      const fault = faults.shift();
      if (fault?.status === 429)
        return send(
          429,
          { error: { message: "Rate limit reached", type: "rate_limit" } },
          {
            ...(fault.retryAfter !== undefined ? { "retry-after": fault.retryAfter } : {}),
          },
        );
      if (fault?.status === 500) return send(500, { error: { message: "The server had an error" } });
      if (fault?.status === 401) {
        const key = /^Bearer (.*)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
        return send(401, {
          error: {
            message: `Incorrect API key provided: ${fault.echoKey ? key : "sk-…"}`,
            type: "invalid_request_error",
          },
        });
      }
      const withTools = (record.body.tools?.length ?? 0) > 0;
      if (withTools && options.server === "no-tools")
        return send(400, { error: { message: `registry.fake/library/${record.body.model} does not support tools` } });

      const last = record.body.messages.at(-1);
      const lastMessage = last?.content ?? "";
      const turn: Turn = {
        page: latestPage(record.body),
        lastResult: /^Result of your last action: (.*)$/m.exec(lastMessage)?.[1] ?? null,
        lastMessage,
        index: calls++,
        body: record.body,
      };
      let reply: Reply;
      try {
        reply = options.policy(turn);
      } catch (e) {
        policyErrors.push((e as Error).message);
        reply = { action: "give_up", reason: `fake policy failed: ${(e as Error).message}` };
      }
      const message = withTools ? toolMessage(reply) : jsonMessage(reply);
      const answer = JSON.stringify(message);
      const usage = (options.usage ?? defaultUsage)(text, answer);
      record.usage = usage;
      const answerNow = () =>
        send(200, {
          id: `chatcmpl-${calls}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: record.body.model,
          choices: [{ index: 0, message, finish_reason: message.tool_calls ? "tool_calls" : "stop" }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        });
      if (options.delayMs) setTimeout(answerNow, options.delayMs);
      else answerNow();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    faults,
    policyErrors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const defaultUsage = (body: string, answer: string) => ({
  prompt_tokens: Math.ceil(body.length / 4),
  completion_tokens: Math.ceil(answer.length / 4),
});

let callIds = 0;

interface AssistantMessage {
  role: "assistant";
  content: string | null;
  tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
}

function toolMessage(reply: Reply): AssistantMessage {
  const call = (name: string, args: string): AssistantMessage => ({
    role: "assistant",
    content: null,
    tool_calls: [{ id: `call_${++callIds}`, type: "function", function: { name, arguments: args } }],
  });
  if ("malformed" in reply) {
    switch (reply.malformed) {
      case "invalid-arguments":
        return call("click", '{"ref": "e1",');
      case "unknown-tool":
        return call("teleport", "{}");
      case "no-tool":
      case "invalid-json":
        return { role: "assistant", content: "I think I should look around a bit more." };
    }
  }
  return call(reply.action, JSON.stringify({ ...reply.args, ...(reply.reason ? { reason: reply.reason } : {}) }));
}

function jsonMessage(reply: Reply): AssistantMessage {
  if ("malformed" in reply) return { role: "assistant", content: '{"action": "click", "ref": ' };
  const content = JSON.stringify({
    action: reply.action,
    ...reply.args,
    ...(reply.reason ? { reason: reply.reason } : {}),
  });
  return { role: "assistant", content };
}

/** The task the agent was given: the GOAL line of its first user message. */
export function goalOf(body: ChatBody): string {
  for (const message of body.messages) {
    const goal = /^GOAL: (.*)$/m.exec(message.role === "user" ? (message.content ?? "") : "");
    if (goal) return goal[1]!;
  }
  throw new Error("the request carried no GOAL line");
}

/**
 * A model that finds a delivery estimate on a demo product page as a person would: choose quantity 2, type the goal's
 * postcode, press "Estimate delivery", then answer with what appeared (price, stock, working days, shipping). Each
 * action is taken by the ref the snapshot gave the element, each with a one-line reason.
 */
export function deliveryEstimatePolicy(): Policy {
  return ({ page, body }) => {
    if (!page) throw new Error("the request carried no page between the data markers");
    const estimate = page.match(/- status: "(\d+) items? to (.+?): (\d+) working days, shipping \$(\d+\.\d\d)"/);
    if (estimate) {
      const price = page.match(/- "\$(\d+\.\d\d)"/);
      if (!price) throw new Error("no price on the product page");
      return {
        action: "answer",
        args: {
          answer: {
            price: Number(price[1]),
            inStock: page.has("In stock"),
            deliveryDays: Number(estimate[3]),
            shipping: Number(estimate[4]),
          },
        },
        reason: `The estimate for ${estimate[2]} is on the page`,
      };
    }
    const postcodeWanted = /\bto (?:postcode )?([A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b/i.exec(goalOf(body))?.[1];
    if (!postcodeWanted) throw new Error("no postcode in the goal");
    const quantity = page.find("combobox", "Quantity");
    if (!quantity) throw new Error("no Quantity select with a ref");
    if (!quantity.line.includes('"2" (selected)'))
      return { action: "select", args: { ref: quantity.ref, option: "2" }, reason: "The goal asks about 2 items" };
    const postcode = page.find("textbox", "Postcode");
    if (!postcode) throw new Error("no Postcode box with a ref");
    if (!postcode.line.includes(postcodeWanted))
      return {
        action: "type",
        args: { ref: postcode.ref, text: postcodeWanted },
        reason: `The estimate depends on the postcode ${postcodeWanted}`,
      };
    return {
      action: "click",
      args: { ref: page.ref("button", "Estimate delivery") },
      reason: "The form shows the estimate once it is sent",
    };
  };
}

/**
 * A model for the Demo project's "Shop questions" batch, whose goals are of three kinds: a delivery estimate (the
 * product page's form, as deliveryEstimatePolicy), stock and price (read off the product page), and the cheapest
 * match of a search (read off the results list). Free-text answers, as the batch has no output schema.
 */
export function demoShopPolicy(): Policy {
  const delivery = deliveryEstimatePolicy();
  return (turn) => {
    const { page, body } = turn;
    if (!page) throw new Error("the request carried no page between the data markers");
    const goal = goalOf(body);
    if (/delivery estimate/i.test(goal)) {
      const none = page.match(/- status: "(Out of stock[^"]*)"/);
      if (none) return { action: "answer", args: { answer: none[1] }, reason: "The form says there is no estimate" };
      const reply = delivery(turn);
      if (!("action" in reply) || reply.action !== "answer") return reply;
      const a = reply.args?.answer as { deliveryDays: number; shipping: number };
      return { ...reply, args: { answer: `${a.deliveryDays} working days, shipping $${a.shipping.toFixed(2)}` } };
    }
    if (/in stock/i.test(goal)) {
      const price = page.match(/- "\$(\d+\.\d\d)"/);
      const stock = page.match(/- "(In stock \(\d+ left\)|Out of stock[^"]*)"/);
      if (!price || !stock) throw new Error("no price or stock line on the product page");
      return {
        action: "answer",
        args: { answer: `${stock[1]}, at $${price[1]}` },
        reason: "The product page shows its stock and price",
      };
    }
    if (/cheapest/i.test(goal)) {
      const items = [
        ...page.text.matchAll(/- link "([^"]+)" \[[^\]]+\] → \/demo\/products\/\S+\n\s*- "\$(\d+\.\d\d)/g),
      ];
      if (items.length === 0) throw new Error("no priced results on the search page");
      const cheapest = items.reduce((a, b) => (Number(b[2]) < Number(a[2]) ? b : a));
      return {
        action: "answer",
        args: { answer: `${cheapest[1]}, at $${cheapest[2]}` },
        reason: `Of ${items.length} results, this one costs least`,
      };
    }
    throw new Error(`no script for the goal "${goal}"`);
  };
}
