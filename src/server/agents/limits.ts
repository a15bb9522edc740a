import { env } from "../env";

/**
 * How much an agent may hand back: one extracted field (MAX_FIELD_BYTES), one job's whole result
 * (MAX_RESULT_BYTES, as stored JSON). Step log lines and error messages get the field limit too. A page can build a
 * value of any size; what leaves the page and reaches the database is bounded by these.
 */
export interface ExtractionLimits {
  maxFieldBytes: number;
  maxResultBytes: number;
}

const DEFAULT_LIMITS: ExtractionLimits = { maxFieldBytes: 64 * 1024, maxResultBytes: 1024 * 1024 };

export function extractionLimits(): ExtractionLimits {
  try {
    const e = env();
    return { maxFieldBytes: e.MAX_FIELD_BYTES, maxResultBytes: e.MAX_RESULT_BYTES };
  } catch {
    // A broken configuration elsewhere must not lift the limits.
    return DEFAULT_LIMITS;
  }
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  // Every UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair is 4 for 2): short strings need no encoding.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return { text, truncated: false };
  const bytes = Buffer.from(text.slice(0, maxBytes));
  let end = Math.min(maxBytes, bytes.length);
  // Step back over continuation bytes (10xxxxxx) so the cut falls between characters.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString("utf8"), truncated: true };
}

/** A log line or message cut to the field limit, with an ellipsis saying so. */
export function capText(text: string, maxBytes: number = extractionLimits().maxFieldBytes): string {
  const cut = truncateUtf8(text, maxBytes - 3);
  return cut.truncated ? `${cut.text}…` : text;
}
