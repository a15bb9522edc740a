import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import WebSocket from "ws";
import { ExecutionStream, type ExecutionStreamOptions, type SocketLike } from "./execution-stream";

/**
 * The client's Node side (the CLI, scripts, tests): the live stream over `ws` with an API token, and downloads
 * written to disk as they arrive. The browser never imports this file.
 */

export interface ServerAccess {
  /** The server's origin, e.g. http://localhost:3000. */
  baseUrl: string;
  token: string | null;
}

/** The WebSocket address of a server's execution stream. */
export const streamUrl = (baseUrl: string) => `${baseUrl.replace(/^http/, "ws")}/api/ws/executions`;

/**
 * One execution's live stream, replaying from `lastSeq` and reconnecting as the browser's does. The token goes on
 * the upgrade (`Authorization: Bearer`), which the server takes as the socket's credential for every subscribe.
 * Call `start()`; `stop()` when done.
 */
export function createExecutionStream(
  access: ServerAccess,
  options: Omit<ExecutionStreamOptions, "url" | "createSocket">,
): ExecutionStream {
  const headers: Record<string, string> = access.token ? { authorization: `Bearer ${access.token}` } : {};
  return new ExecutionStream({
    ...options,
    url: streamUrl(access.baseUrl),
    createSocket: (url) => {
      const socket = new WebSocket(url, { headers });
      // The stream learns of every failure from the close that follows; it drops its onerror before closing a socket
      // that never opened, and Node's `ws` would otherwise throw that error as unhandled.
      socket.on("error", () => {});
      return socket as unknown as SocketLike;
    },
  });
}

/** The file name a download's `Content-Disposition: attachment; filename="…"` gives, without any folder in it. */
export function attachmentName(response: Response): string | null {
  const header = response.headers.get("content-disposition") ?? "";
  const encoded = header.match(/filename\*=UTF-8''([^;]+)/i);
  const plain = header.match(/filename="([^"]+)"/i) ?? header.match(/filename=([^;]+)/i);
  const raw = encoded ? decodeURIComponent(encoded[1]) : plain?.[1]?.trim();
  // A server's name must not walk out of the folder it is saved in.
  const base = raw ? path.basename(raw.replace(/\\/g, "/")) : "";
  return base && base !== "." && base !== ".." ? base : null;
}

/** Writes a download's body to `file` as it arrives (an export may be large); answers the bytes written. */
export async function saveDownload(response: Response, file: string): Promise<number> {
  if (!response.body) throw new Error("The server sent no file");
  let bytes = 0;
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  body.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
  });
  await pipeline(body, fs.createWriteStream(file));
  return bytes;
}

/** A file on disk as a Blob that is read as it is sent, not loaded into memory first. */
export const fileBlob = (file: string) => fs.openAsBlob(file, { type: "text/csv" });
