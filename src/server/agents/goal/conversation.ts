import type { ChatMessage } from "./llm-client";
import type { TurnMessage } from "./prompt";

/**
 * The exchange with the model, kept abstract so it can be sent either way: as tool calls and tool results, or (JSON
 * mode) as JSON replies and user messages; a server that turns out to refuse tools mid-job is simply sent the JSON
 * form from then on. Only the latest page snapshot is sent whole: earlier ones shrink to a one-line summary, so a
 * job's tokens grow with its steps, not with their square.
 */

type Entry =
  /** What the model chose: a tool call (name + argument text), or only text when it called no tool. */
  | { type: "decision"; callId: string; call: { name: string; arguments: string } | null; content: string | null }
  /** The last action's result and the page now. */
  | { type: "turn"; turn: TurnMessage }
  /** A decision that cannot be used, and why: the model is to correct it. */
  | { type: "rejection"; text: string };

export class Conversation {
  private readonly entries: Entry[] = [];
  private calls = 0;

  constructor(
    private system: string,
    private readonly task: string,
  ) {}

  /** JSON mode describes the actions in the system prompt: switching modes replaces it. */
  setSystem(system: string): void {
    this.system = system;
  }

  /** The result of the last action and the page as it is now. */
  present(turn: TurnMessage): void {
    this.entries.push({ type: "turn", turn });
  }

  decided(call: { id?: string; name: string; arguments: string } | null, content: string | null): void {
    const callId = call?.id || `call_${++this.calls}`;
    this.entries.push({
      type: "decision",
      callId,
      call: call && { name: call.name, arguments: call.arguments },
      content,
    });
  }

  /** The decision cannot be used (malformed, or an answer that does not fit): tell the model at once. */
  reject(problem: string): void {
    this.entries.push({ type: "rejection", text: problem });
  }

  render(jsonMode: boolean): ChatMessage[] {
    const lastTurn = this.entries.findLastIndex((e) => e.type === "turn");
    const messages: ChatMessage[] = [{ role: "system", content: this.system }];
    let pendingUser = this.task;
    let previous: Entry | undefined;
    this.entries.forEach((entry, i) => {
      if (entry.type === "decision") {
        if (pendingUser) messages.push({ role: "user", content: pendingUser });
        pendingUser = "";
        messages.push(decisionMessage(entry, jsonMode));
      } else {
        const text = entry.type === "rejection" ? entry.text : i === lastTurn ? entry.turn.whole : entry.turn.stale;
        if (!jsonMode && previous?.type === "decision" && previous.call) {
          messages.push({ role: "tool", tool_call_id: previous.callId, content: text });
        } else {
          pendingUser = [pendingUser, text].filter(Boolean).join("\n\n");
        }
      }
      previous = entry;
    });
    if (pendingUser) messages.push({ role: "user", content: pendingUser });
    return messages;
  }
}

function decisionMessage(entry: Extract<Entry, { type: "decision" }>, jsonMode: boolean): ChatMessage {
  if (!entry.call) return { role: "assistant", content: entry.content ?? "" };
  if (jsonMode) {
    let args: unknown = {};
    try {
      args = JSON.parse(entry.call.arguments || "{}");
    } catch {
      return { role: "assistant", content: entry.content ?? entry.call.arguments };
    }
    return { role: "assistant", content: JSON.stringify({ action: entry.call.name, ...(args as object) }) };
  }
  // Some servers (Ollama) parse the arguments of past calls: a malformed one goes back as {} (the reply says why).
  const args = isJson(entry.call.arguments) ? entry.call.arguments : "{}";
  return {
    role: "assistant",
    content: entry.content,
    tool_calls: [{ id: entry.callId, type: "function", function: { name: entry.call.name, arguments: args } }],
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
