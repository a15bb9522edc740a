import { AppError } from "../errors";

/**
 * A streaming multipart/form-data reader. `Request.formData()` buffers the whole body in memory; this reads it
 * chunk by chunk, so a large upload can go straight to disk.
 */

export type MultipartEvent =
  | { type: "part"; name: string; fileName: string | null; contentType: string | null }
  /** Bytes of the current part; a part's data events all come before the next "part" event. */
  | { type: "data"; chunk: Uint8Array };

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");
const MAX_HEADER_BYTES = 16 * 1024;

const malformed = (why: string) =>
  new AppError("validation_failed", 400, `The multipart/form-data body is malformed: ${why}`);

/** The boundary of a `multipart/form-data; boundary=…` content type, or null. */
export function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

export async function* multipartEvents(
  body: AsyncIterable<Uint8Array>,
  boundary: string,
): AsyncGenerator<MultipartEvent> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // The body starts with "--boundary"; a leading CRLF makes the first delimiter look like every other one.
  let buffer: Buffer = Buffer.from(CRLF);
  let state: "preamble" | "after-delimiter" | "headers" | "body" = "preamble";

  for await (const chunk of body) {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : Buffer.from(chunk);
    for (let progressed = true; progressed; ) {
      progressed = false;
      if (state === "preamble" || state === "body") {
        const at = buffer.indexOf(delimiter);
        // Until the delimiter shows up, all but a possible partial delimiter at the end is part data.
        const end = at === -1 ? Math.max(0, buffer.length - delimiter.length + 1) : at;
        if (state === "body" && end > 0) yield { type: "data", chunk: buffer.subarray(0, end) };
        if (at === -1) {
          buffer = buffer.subarray(end);
          break;
        }
        buffer = buffer.subarray(at + delimiter.length);
        state = "after-delimiter";
        progressed = true;
      } else if (state === "after-delimiter") {
        if (buffer.length < 2) break;
        if (buffer[0] === 0x2d && buffer[1] === 0x2d) return; // the closing delimiter; the epilogue is ignored
        const eol = buffer.indexOf(CRLF); // transport padding may sit between the delimiter and its CRLF
        if (eol === -1) {
          if (buffer.length > 1024) throw malformed("a boundary line does not end");
          break;
        }
        buffer = buffer.subarray(eol + CRLF.length);
        state = "headers";
        progressed = true;
      } else if (state === "headers") {
        const empty = buffer.subarray(0, 2).equals(CRLF);
        const at = empty ? 0 : buffer.indexOf(HEADER_END);
        if (at === -1) {
          if (buffer.length > MAX_HEADER_BYTES) throw malformed("a part's headers are over 16 KiB");
          break;
        }
        yield partEvent(empty ? "" : buffer.subarray(0, at).toString("utf8"));
        buffer = buffer.subarray(at + (empty ? CRLF.length : HEADER_END.length));
        state = "body";
        progressed = true;
      }
    }
  }
  throw malformed("it ends before its closing boundary");
}

function partEvent(headerText: string): MultipartEvent {
  const headers = new Map<string, string>();
  for (const line of headerText.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get("content-disposition") ?? "";
  return {
    type: "part",
    name: dispositionParam(disposition, "name") ?? "",
    fileName: dispositionParam(disposition, "filename"),
    contentType: headers.get("content-type") ?? null,
  };
}

function dispositionParam(disposition: string, param: string): string | null {
  const match = new RegExp(`;\\s*${param}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, "i").exec(disposition);
  if (!match) return null;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1").replace(/%22/g, '"') : match[2]!.trim();
}
