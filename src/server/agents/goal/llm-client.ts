import OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { AgentError } from "../types";
import { displayBaseUrl, type LlmSettings } from "./llm-config";
import { classifyLlmFailure, type LlmFailure, redact } from "./llm-errors";
import { type CallUsage, estimateTokens } from "./usage";

/**
 * The one place that talks to the model: the official `openai` SDK against any OpenAI-compatible base URL. The SDK's
 * own retries are off so this wrapper decides: a retryable failure is tried again in the job (waiting what a 429's
 * Retry-After asks, else a short backoff), a few times, before the job fails retryable and the scheduler takes over.
 */

export type ChatMessage = ChatCompletionMessageParam;
export type ChatTool = ChatCompletionTool;

export interface ChatRequest {
  messages: ChatMessage[];
  /** Tool calling: the actions as functions. */
  tools?: ChatTool[];
  /** JSON mode: `response_format: { type: "json_object" }`. */
  json?: boolean;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The raw JSON text the model wrote; parsing (and its failure) is the caller's. */
  arguments: string;
}

export interface ChatReply {
  content: string | null;
  toolCalls: ToolCall[];
  usage: CallUsage;
}

export interface LlmClient {
  readonly model: string;
  /**
   * Throws an AgentError (classified), a ToolsUnsupported, or the abort when `signal` aborts. `onWait` hears of each
   * wait before a retry, with the failure's kind ("model_rate_limited", …).
   */
  chat(request: ChatRequest, signal: AbortSignal, onWait?: (ms: number, kind: string) => void): Promise<ChatReply>;
}

/** Thrown when the server refuses `tools`: the caller switches to JSON mode. */
export class ToolsUnsupported extends Error {
  constructor(readonly serverMessage: string) {
    super("The model server does not support tool calling");
    this.name = "ToolsUnsupported";
  }
}

export interface LlmClientOptions {
  /** Tries per call, the first included. */
  attempts?: number;
  /** Backoff when the server gives no Retry-After: base × 2^(try-1). */
  backoffBaseMs?: number;
  /** A Retry-After longer than this is not waited for in the job: it fails retryable and says how long. */
  maxWaitMs?: number;
  /** One call's time limit (the job's own timeout still bounds everything through the signal). */
  callTimeoutMs?: number;
}

/** Servers that refused `response_format`, by base URL and model: asked in words only from then on. */
const noJsonModeFor = new Set<string>();

export function createLlmClient(settings: LlmSettings, model: string, options: LlmClientOptions = {}): LlmClient {
  const attempts = options.attempts ?? 3;
  const backoffBaseMs = options.backoffBaseMs ?? 500;
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const where = displayBaseUrl(settings.baseURL);
  const sdk = new OpenAI({
    baseURL: settings.baseURL,
    // The SDK insists on a key; local servers ignore the bearer token.
    apiKey: settings.apiKey ?? "no-key",
    // Explicit, so the SDK does not pick up OPENAI_* variables meant for something else.
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: options.callTimeoutMs ?? 120_000,
    // The SDK's logger could print requests; nothing of ours is logged by it.
    logLevel: "off",
  });
  const serverKey = `${settings.baseURL} ${model}`;

  async function once(request: ChatRequest, signal: AbortSignal): Promise<ChatReply> {
    const json = request.json === true && !noJsonModeFor.has(serverKey);
    const completion = await sdk.chat.completions.create(
      {
        model,
        messages: request.messages,
        ...(request.tools ? { tools: request.tools } : {}),
        ...(json ? { response_format: { type: "json_object" as const } } : {}),
      },
      { signal },
    );
    const message = completion.choices?.[0]?.message;
    const toolCalls: ToolCall[] = (message?.tool_calls ?? []).flatMap((call) =>
      call.type === "function" ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }] : [],
    );
    const content = message?.content ?? null;
    return { content, toolCalls, usage: usageOf(completion.usage, request, content, toolCalls) };
  }

  async function chat(
    request: ChatRequest,
    signal: AbortSignal,
    onWait?: (ms: number, kind: string) => void,
  ): Promise<ChatReply> {
    for (let attempt = 1; ; attempt++) {
      let failure: LlmFailure;
      try {
        return await once(request, signal);
      } catch (e) {
        failure = classifyLlmFailure(e, {
          where,
          model,
          apiKey: settings.apiKey,
          sentTools: request.tools !== undefined,
          sentJsonMode: request.json === true && !noJsonModeFor.has(serverKey),
        });
      }
      if (failure.type === "aborted" || signal.aborted) throw signal.reason ?? new Error("aborted");
      if (failure.type === "tools_unsupported") throw new ToolsUnsupported(failure.message);
      if (failure.type === "json_mode_unsupported") {
        noJsonModeFor.add(serverKey);
        continue;
      }
      const { error, retryAfterMs } = failure;
      const waitMs = retryAfterMs ?? backoffBaseMs * 2 ** (attempt - 1);
      if (!error.retryable || attempt >= attempts || waitMs > maxWaitMs) {
        throw new AgentError(redact(error.message, settings.apiKey), error.retryable, error.kind, { retryAfterMs });
      }
      onWait?.(waitMs, error.kind);
      await sleep(waitMs, signal);
    }
  }

  return { model, chat };
}

/** The provider's counts; servers that report none are estimated from the characters, and marked so. */
function usageOf(
  usage: { prompt_tokens?: number; completion_tokens?: number } | undefined,
  request: ChatRequest,
  content: string | null,
  toolCalls: ToolCall[],
): CallUsage {
  if (usage && Number.isFinite(usage.prompt_tokens) && Number.isFinite(usage.completion_tokens)) {
    return { inputTokens: usage.prompt_tokens!, outputTokens: usage.completion_tokens!, estimated: false };
  }
  const sent = JSON.stringify(request.messages) + (request.tools ? JSON.stringify(request.tools) : "");
  const answered = (content ?? "") + toolCalls.map((c) => c.name + c.arguments).join("");
  return { inputTokens: estimateTokens(sent), outputTokens: estimateTokens(answered), estimated: true };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
