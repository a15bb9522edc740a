// When the live stream stops for good because access ended, and when it only reconnects (a role changed). The
// socket here is a scripted stand-in for the browser's WebSocket: it plays the server's messages in the order
// src/server/realtime/hub.ts sends them; test/integration/execution-stream-access.test.ts runs the same against
// the real hub.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  CLOSE_ACCESS_CHANGED,
  ExecutionStream,
  type SocketLike,
  type StreamStatus,
} from "@/lib/client/execution-stream";
import type { ServerMessage } from "@/lib/contract/events";
import { CLOSE_ACCESS_CHANGED as HUB_CLOSE_ACCESS_CHANGED } from "@/server/realtime/hub";

const ID = "exec-1";

class ScriptedSocket implements SocketLike {
  readyState = 1;
  readonly sent: Record<string, unknown>[] = [];
  onopen = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  server(message: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  serverCloses(code: number) {
    this.readyState = 3;
    this.onclose?.({ code, reason: "" });
  }
  /** The greeting and the answer to the subscribe the stream sends on it. */
  accept() {
    this.server({ type: "connected", clientId: "c", timestamp: new Date().toISOString() } as ServerMessage);
    this.server({ type: "subscribed", executionId: ID, channel: `execution:${ID}`, seq: 0 } as ServerMessage);
  }
  refuse(code: "unauthenticated" | "not_found") {
    this.server({ type: "connected", clientId: "c", timestamp: new Date().toISOString() } as ServerMessage);
    this.server({ type: "error", error: { code, message: "refused" } });
  }
}

const ACCESS_NOTICE: ServerMessage = {
  type: "error",
  error: { code: "unauthenticated", message: "Your access changed (signed out, token revoked or role changed)" },
};

describe("the live stream when access ends", () => {
  let sockets: ScriptedSocket[];
  let statuses: StreamStatus[];
  let accessChanges: number;
  let ended: number;
  let stream: ExecutionStream;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    statuses = [];
    accessChanges = 0;
    ended = 0;
    stream = new ExecutionStream({
      url: "ws://test/api/ws/executions",
      executionId: ID,
      lastSeq: 0,
      onEvent: () => {},
      onStatus: (s) => statuses.push(s),
      onAccessChange: () => accessChanges++,
      onAccessEnded: () => ended++,
      createSocket: () => {
        const socket = new ScriptedSocket();
        sockets.push(socket);
        return socket;
      },
      random: () => 0,
    });
    stream.start();
  });
  afterEach(() => {
    stream.stop();
    vi.useRealTimers();
  });

  const last = () => statuses.at(-1)!;
  /** Runs every reconnect timer there is, as a long wait would. */
  const waitLong = () => vi.advanceTimersByTime(60_000);

  it("uses the hub's close code", () => {
    expect(CLOSE_ACCESS_CHANGED).toBe(HUB_CLOSE_ACCESS_CHANGED);
  });

  it("stops for good when its first subscribe is refused as unauthenticated", () => {
    sockets[0]!.refuse("unauthenticated");
    expect(ended).toBe(1);
    expect(stream.accessEnded).toBe(true);
    expect(stream.connected).toBe(false);
    waitLong();
    expect(sockets).toHaveLength(1);
  });

  it("reconnects once after the server ends its access, and goes on watching when the new role still may", () => {
    sockets[0]!.accept();
    expect(last().connected).toBe(true);
    sockets[0]!.server(ACCESS_NOTICE);
    sockets[0]!.serverCloses(CLOSE_ACCESS_CHANGED);
    expect(accessChanges).toBe(1);
    expect(last().connected).toBe(false);
    vi.advanceTimersByTime(250);
    expect(sockets).toHaveLength(2);
    sockets[1]!.accept();
    expect(sockets[1]!.sent).toEqual([{ type: "subscribe", executionId: ID, lastSeq: 0 }]);
    expect(last()).toEqual({ connected: true, error: null, degraded: null });
    // A later access change is judged afresh: it gets its own second chance.
    sockets[1]!.serverCloses(CLOSE_ACCESS_CHANGED);
    vi.advanceTimersByTime(250);
    sockets[2]!.accept();
    expect(last().connected).toBe(true);
    expect(ended).toBe(0);
  });

  it("ends when the subscribe after an access change is refused: signed out, or no longer a member", () => {
    sockets[0]!.accept();
    sockets[0]!.server(ACCESS_NOTICE);
    vi.advanceTimersByTime(250);
    sockets[1]!.refuse("unauthenticated");
    expect(ended).toBe(1);
    expect(last().connected).toBe(false);
    waitLong();
    expect(sockets).toHaveLength(2);

    const removed = new ExecutionStream({
      url: "ws://test",
      executionId: ID,
      lastSeq: 0,
      onEvent: () => {},
      onStatus: (s) => statuses.push(s),
      onAccessEnded: () => ended++,
      createSocket: () => {
        const socket = new ScriptedSocket();
        sockets.push(socket);
        return socket;
      },
      random: () => 0,
    });
    removed.start();
    sockets[2]!.accept();
    sockets[2]!.serverCloses(CLOSE_ACCESS_CHANGED);
    vi.advanceTimersByTime(250);
    sockets[3]!.refuse("not_found");
    expect(ended).toBe(2);
    // Not "does not exist": it does, this caller just may no longer see it.
    expect(last()).toEqual({ connected: false, error: null, degraded: null });
    waitLong();
    expect(sockets).toHaveLength(4);
  });

  it("ends when a second access close comes before the new subscribe was accepted", () => {
    sockets[0]!.accept();
    sockets[0]!.serverCloses(CLOSE_ACCESS_CHANGED);
    vi.advanceTimersByTime(250);
    sockets[1]!.serverCloses(CLOSE_ACCESS_CHANGED);
    expect(ended).toBe(1);
    waitLong();
    expect(sockets).toHaveLength(2);
  });

  it("keeps reconnecting through ordinary closes, which say nothing about access", () => {
    sockets[0]!.accept();
    sockets[0]!.serverCloses(1006);
    waitLong();
    sockets[1]!.serverCloses(1001);
    waitLong();
    expect(sockets).toHaveLength(3);
    sockets[2]!.accept();
    expect(last().connected).toBe(true);
    expect(accessChanges + ended).toBe(0);
  });

  it("treats an unknown execution as not found when access did not change", () => {
    sockets[0]!.refuse("not_found");
    expect(last()).toMatchObject({ error: "This execution does not exist." });
    expect(ended).toBe(0);
  });
});
