import type { OutputField } from "@/lib/contract/agent";
import { AgentError } from "../types";
import { type Action, actionTools, type ParsedAction, parseJsonAction, parseToolCall } from "./actions";
import type { Conversation } from "./conversation";
import { type ChatReply, type LlmClient, ToolsUnsupported } from "./llm-client";

/**
 * Asks the model for one action. Tool calling by default; JSON mode when configured, or from the moment the server
 * refuses `tools` (remembered per server and model for the life of the process, so later jobs do not ask again).
 * A reply that is not one well-formed action gets one corrective re-prompt; a second one fails the step, and the job
 * (not retryable: the re-prompt was the retry).
 */

const toolsRefusedBy = new Set<string>();

export interface DeciderOptions {
  client: LlmClient;
  /** Identifies the server and model, for remembering one that refuses tools. */
  serverKey: string;
  conversation: Conversation;
  fields: OutputField[] | undefined;
  jsonMode: boolean;
  /** The system prompt for a mode: switching to JSON mode rewrites it with the actions in words. */
  systemFor(jsonMode: boolean): string;
  /** Called before every model call (the token budget), and with every reply's usage. */
  beforeCall(): void;
  afterCall(reply: ChatReply): void;
  onWait?(ms: number, kind: string): void;
  signal: AbortSignal;
}

export class Decider {
  jsonMode: boolean;

  constructor(private readonly options: DeciderOptions) {
    this.jsonMode = options.jsonMode || toolsRefusedBy.has(options.serverKey);
    if (this.jsonMode) options.conversation.setSystem(options.systemFor(true));
  }

  /** One action, parsed and recorded in the conversation. */
  async next(): Promise<Action> {
    const { conversation } = this.options;
    let corrected = false;
    for (;;) {
      const reply = await this.ask();
      const { parsed, call } = this.parse(reply);
      conversation.decided(call, reply.content);
      if (parsed.ok) return this.jsonMode ? parsed.action : withReason(parsed.action, reply.content);
      if (corrected) {
        throw new AgentError(
          `The model did not choose a well-formed action, twice: ${parsed.problem}`,
          false,
          "model_output",
        );
      }
      corrected = true;
      conversation.reject(
        this.jsonMode
          ? `error: ${parsed.problem}. The page has not changed. Reply with exactly one JSON object as described.`
          : `error: ${parsed.problem}. The page has not changed. Call exactly one of the tools, with valid arguments.`,
      );
    }
  }

  private async ask(): Promise<ChatReply> {
    const { client, conversation, signal } = this.options;
    for (;;) {
      this.options.beforeCall();
      try {
        const reply = await client.chat(
          this.jsonMode
            ? { messages: conversation.render(true), json: true }
            : { messages: conversation.render(false), tools: actionTools(this.options.fields) },
          signal,
          this.options.onWait,
        );
        this.options.afterCall(reply);
        return reply;
      } catch (e) {
        if (!(e instanceof ToolsUnsupported) || this.jsonMode) throw e;
        toolsRefusedBy.add(this.options.serverKey);
        this.jsonMode = true;
        conversation.setSystem(this.options.systemFor(true));
      }
    }
  }

  /** The first tool call; or, when there is none, an action written as JSON in the text (some models do that). */
  private parse(reply: ChatReply): {
    parsed: ParsedAction;
    call: { id?: string; name: string; arguments: string } | null;
  } {
    const first = reply.toolCalls[0];
    if (first && !this.jsonMode) return { parsed: parseToolCall(first.name, first.arguments), call: first };
    const parsed = parseJsonAction(reply.content);
    if (!parsed.ok)
      return { parsed: this.jsonMode ? parsed : { ok: false, problem: "no tool was called" }, call: null };
    const { action, ...args } = parsed.action;
    return { parsed, call: { name: action, arguments: JSON.stringify(args) } };
  }
}

/** Some models explain in the text beside the tool call instead of in its `reason`: that text is the reason then. */
function withReason(action: Action, content: string | null): Action {
  const text = content?.trim();
  if (action.reason || !text) return action;
  return { ...action, reason: text.split("\n")[0]!.slice(0, 300) };
}
