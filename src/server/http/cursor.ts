import { validationFailed } from "../errors";

/**
 * Where a keyset page ended: the sort key of its last row and, when the key alone is not unique, that row's id.
 * Clients get it as an opaque `nextCursor` (base64url JSON) and hand it back unchanged for the next page.
 */
export interface CursorPosition {
  key: string;
  id?: string;
}

interface DecodeOptions {
  /** What the key must look like (a row index, …); any string when absent. */
  key?: RegExp;
  /** The position carries a row id (a UUID). */
  withId?: boolean;
}

const UUID = /^[0-9a-f-]{36}$/i;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

/** The position a cursor names; `400 validation_failed` for anything this API did not hand out. */
export function decodeCursor(cursor: string, options: DecodeOptions & { withId: true }): Required<CursorPosition>;
export function decodeCursor(cursor: string, options?: DecodeOptions): CursorPosition;
export function decodeCursor(cursor: string, options: DecodeOptions = {}): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  const { key, id } = (typeof parsed === "object" && parsed !== null ? parsed : {}) as { key?: unknown; id?: unknown };
  if (typeof key !== "string" || (options.key && !options.key.test(key))) throw invalidCursor();
  if (!options.withId) return { key };
  if (typeof id !== "string" || !UUID.test(id)) throw invalidCursor();
  return { key, id };
}

const invalidCursor = () => validationFailed("cursor must be a value returned as nextCursor by this API");
