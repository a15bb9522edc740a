import { CLIENT_MESSAGES, type ClientMessage, type ExecutionEvent, type ServerMessage } from "@/lib/contract/events";

/** The contract: a client message over 1 MiB closes the connection with 1009 (ws enforces it via maxPayload). */
export const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;

const schemas = CLIENT_MESSAGES;

export type ParseResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: "invalid_json" | "invalid_message" | "unknown_type"; message: string };

/** Validates one text frame from a client; every failure names what is wrong so a developer can fix their client. */
export function parseClientMessage(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: "invalid_json", message: "The message is not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, code: "invalid_message", message: "The message must be a JSON object with a type" };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string")
    return { ok: false, code: "invalid_message", message: "type is required and must be a string" };
  if (!Object.hasOwn(schemas, type)) {
    return {
      ok: false,
      code: "unknown_type",
      message: `Unknown message type "${type}"; expected subscribe, unsubscribe or ping`,
    };
  }
  const parsed = schemas[type as keyof typeof schemas].safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "message";
    return { ok: false, code: "invalid_message", message: `${field}: ${issue.message}` };
  }
  const message = parsed.data as ClientMessage & { lastSeq?: number | null };
  if (message.type === "subscribe" && message.lastSeq === null) delete message.lastSeq;
  return { ok: true, message: message as ClientMessage };
}

export const encode = (message: ServerMessage): string => JSON.stringify(message);

/** One serialization per event, shared by every socket that receives it. */
export const encodeEvent = (event: ExecutionEvent): string =>
  encode({ type: "execution_event", executionId: event.executionId, event, timestamp: new Date().toISOString() });
