import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import { createBatchFieldsSchema, createBatchJsonSchema } from "@/lib/contract/requests";
import { AppError, validationFailed } from "../errors";
import { boundaryOf, multipartEvents } from "../http/multipart";
import { parseJsonObject, parseWith } from "../http/respond";
import { getRuntime } from "../runtime";
import { type CsvSource, formatBytes } from "./csv";
import { ownUploadDir } from "./upload-dir";

/**
 * Reads the body of POST /api/projects/:id/batches, JSON or multipart, into what createBatchFromCsv takes.
 * A multipart file is spooled to a temporary file under DATA_DIR (see upload-dir.ts): its text fields may come
 * after it, and a slow client then never holds a database transaction open while it uploads.
 */

export interface BatchUpload {
  csv: CsvSource;
  fileName: string | null;
  name?: string;
  urlColumn?: string;
  goalColumn?: string;
  idColumn?: string;
  agent?: unknown;
}

/** Room for the multipart framing and text fields (the agent config) around the file itself. */
const ENVELOPE_BYTES = 1024 * 1024;

const tooLarge = (what: string, limit: number) =>
  new AppError(
    "payload_too_large",
    413,
    `${what} is over the upload limit of ${formatBytes(limit)} (MAX_UPLOAD_BYTES)`,
    { maxBytes: limit },
  );

/** Parses the upload, hands it to `use`, and removes any temporary file afterwards. */
export async function withBatchUpload<T>(
  request: Request,
  maxUploadBytes: number,
  use: (upload: BatchUpload) => Promise<T>,
): Promise<T> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const isMultipart = type.startsWith("multipart/form-data");
  const isJson = /^application\/([\w.+-]*\+)?json\b/.test(type);
  if (!isMultipart && !isJson) {
    throw new AppError(
      "unsupported_media_type",
      415,
      `Content-Type must be multipart/form-data (a "file" field) or application/json ({ "csv": … }), not ${type || "missing"}`,
    );
  }
  const declared = Number(request.headers.get("content-length"));
  if (isJson) {
    // JSON.parse holds the event loop for the whole body, so JSON bodies stay small; multipart streams.
    // JSON escaping can at most double the CSV, whose own bytes are checked exactly later.
    const jsonLimit = Math.min(getRuntime().env.MAX_JSON_UPLOAD_BYTES, 2 * maxUploadBytes + ENVELOPE_BYTES);
    const tooLargeJson = () =>
      new AppError(
        "payload_too_large",
        413,
        `A JSON upload is over ${formatBytes(jsonLimit)} (MAX_JSON_UPLOAD_BYTES, MAX_UPLOAD_BYTES): send larger CSVs as multipart/form-data with a "file" field`,
        { maxBytes: jsonLimit },
      );
    if (Number.isFinite(declared) && declared > jsonLimit) throw tooLargeJson();
    return use(await readJsonUpload(request, jsonLimit, tooLargeJson));
  }
  const requestLimit = maxUploadBytes + ENVELOPE_BYTES;
  if (Number.isFinite(declared) && declared > requestLimit) throw tooLarge("The request body", maxUploadBytes);

  // The boundary is case-sensitive (browsers use mixed case): read it from the header as sent.
  const spooled = await spoolMultipart(request, request.headers.get("content-type") ?? "", maxUploadBytes);
  const csv = fs.createReadStream(/*turbopackIgnore: true*/ spooled.file);
  try {
    return await use({ ...spooled.upload, csv });
  } finally {
    csv.destroy();
    await fs.promises.rm(path.dirname(spooled.file), { recursive: true, force: true });
  }
}

async function readJsonUpload(request: Request, limit: number, onOver: () => AppError): Promise<BatchUpload> {
  const chunks = await readAll(request.body, limit, onOver);
  const text = Buffer.concat(chunks).toString("utf8");
  const body = parseJsonObject(text, '{ "csv": "…" }');
  const { csv, fileName, ...rest } = parseWith(createBatchJsonSchema, body);
  return { ...rest, csv, fileName: fileName ?? null };
}

async function readAll(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  onOver: () => Error,
): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  if (!body) return chunks;
  let bytes = 0;
  for await (const chunk of streamChunks(body)) {
    bytes += chunk.byteLength;
    if (bytes > limit) throw onOver();
    chunks.push(chunk);
  }
  return chunks;
}

async function* streamChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {}); // stopped early (over a limit): tell the client we're done reading
  }
}

/** Streams the multipart body: the `file` part to a temporary file, the text fields into memory (bounded). */
async function spoolMultipart(
  request: Request,
  contentType: string,
  maxUploadBytes: number,
): Promise<{ file: string; upload: Omit<BatchUpload, "csv"> }> {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw validationFailed("The multipart/form-data Content-Type has no boundary");
  const dir = await fs.promises.mkdtemp(path.join(await ownUploadDir(getRuntime().env.DATA_DIR), "upload-"));
  const file = path.join(dir, "upload.csv");
  const out = fs.createWriteStream(file);
  try {
    const fields: Record<string, string> = {};
    let fieldBytes = 0;
    let current: { name: string; isFile: boolean; text: Buffer[] } | null = null;
    let fileSeen = false;
    let fileName: string | null = null;
    let fileBytes = 0;

    const finishField = () => {
      if (current && !current.isFile && !(current.name in fields))
        fields[current.name] = Buffer.concat(current.text).toString("utf8");
    };
    for await (const event of multipartEvents(streamChunks(request.body ?? emptyStream()), boundary)) {
      if (event.type === "part") {
        finishField();
        // Only the first "file" part is the CSV; any other part is a text field.
        const isFile = event.name === "file" && !fileSeen;
        if (isFile) {
          fileSeen = true;
          fileName = event.fileName;
        }
        current = { name: event.name, isFile, text: [] };
        continue;
      }
      if (!current) continue;
      if (current.isFile) {
        fileBytes += event.chunk.byteLength;
        if (fileBytes > maxUploadBytes) throw tooLarge("The CSV file", maxUploadBytes);
        if (!out.write(event.chunk)) await once(out, "drain");
      } else {
        fieldBytes += event.chunk.byteLength;
        if (fieldBytes > ENVELOPE_BYTES)
          throw new AppError("payload_too_large", 413, "The form's text fields are over 1 MiB together");
        current.text.push(Buffer.from(event.chunk));
      }
    }
    finishField();
    out.end();
    await once(out, "finish");
    if (!fileSeen)
      throw validationFailed('file is required: a multipart/form-data field named "file" holding the CSV', {
        field: "file",
      });

    const { agent, ...text } = parseWith(createBatchFieldsSchema, fields);
    return { file, upload: { ...text, fileName, agent: agent === undefined ? undefined : parseAgentJson(agent) } };
  } catch (e) {
    out.destroy();
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw e;
  }
}

function parseAgentJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw validationFailed("agent must be a JSON object (the agent config), and this is not valid JSON", {
      field: "agent",
    });
  }
}

const emptyStream = () => new ReadableStream<Uint8Array>({ start: (c) => c.close() });
