import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket } from "ws";
import type { EventData, ExecutionEvent, ServerMessage } from "@/lib/contract/events";
import { transactWithEvents } from "@/server/events/transaction";
import { type Hub, type HubOptions, startHub } from "@/server/realtime";
import { getRuntime, type Runtime } from "@/server/runtime";

/** A plain HTTP server whose upgrades go to the current hub; `restartHub` swaps in a new one (a restart). */
export interface HubServer {
  url: string;
  hub: Hub;
  restartHub(graceMs?: number): Promise<Hub>;
  close(): Promise<void>;
}

export async function startHubServer(runtime: Runtime, options: Partial<HubOptions> = {}): Promise<HubServer> {
  let hub = startHub(runtime, options);
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  server.on("upgrade", (req, socket, head) => hub.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const result: HubServer = {
    url: `ws://127.0.0.1:${port}/api/ws/executions`,
    get hub() {
      return hub;
    },
    async restartHub(graceMs = 1000) {
      await hub.stop(graceMs);
      hub = startHub(runtime, options);
      return hub;
    },
    async close() {
      await hub.stop(0);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return result;
}

/** A raw protocol client that records everything it receives. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  closeCode: number | null = null;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      this.notify();
    });
    ws.on("close", (code) => {
      this.closeCode = code;
      this.notify();
    });
    ws.on("error", () => {});
  }

  static async connect(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<TestClient> {
    const client = new TestClient(new WebSocket(url, options));
    await client.waitFor(() => client.messages.some((m) => m.type === "connected"));
    return client;
  }

  /** A socket that may be refused: resolves once it is open or closed, without waiting for `connected`. */
  static async open(url: string): Promise<TestClient> {
    const client = new TestClient(new WebSocket(url));
    await client.waitFor(() => client.ws.readyState !== WebSocket.CONNECTING);
    return client;
  }

  send(message: unknown) {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  async subscribe(executionId: string, lastSeq?: number) {
    const before = this.messages.length;
    this.send({ type: "subscribe", executionId, ...(lastSeq === undefined ? {} : { lastSeq }) });
    await this.waitFor(() =>
      this.messages
        .slice(before)
        .some((m) => (m.type === "subscribed" && m.executionId === executionId) || m.type === "error"),
    );
  }

  /** Waits for a message matching `match` after index `from`. */
  async next<T extends ServerMessage["type"]>(type: T, from = 0): Promise<Extract<ServerMessage, { type: T }>> {
    let found: ServerMessage | undefined;
    await this.waitFor(() => {
      found = this.messages.slice(from).find((m) => m.type === type);
      return found !== undefined;
    });
    return found as Extract<ServerMessage, { type: T }>;
  }

  errors(): { code: string; message: string }[] {
    return this.messages.flatMap((m) => (m.type === "error" ? [m.error] : []));
  }

  events(executionId?: string): ExecutionEvent[] {
    return this.messages.flatMap((m) =>
      m.type === "execution_event" && (!executionId || m.executionId === executionId) ? [m.event] : [],
    );
  }

  /** Seqs of retained events received (what a gap-free stream must make 1..N). */
  retainedSeqs(executionId?: string): number[] {
    return this.events(executionId)
      .filter((e) => !["job_progress", "execution_progress", "stats_update"].includes(e.type))
      .map((e) => e.seq);
  }

  waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
    return waitUntil(condition, timeoutMs, (resolve) => this.waiters.push(resolve));
  }

  close() {
    this.ws.terminate();
  }

  private notify() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Re-checks `condition` on each notification (and every 50 ms); rejects with a clear message on timeout. */
export function waitUntil(
  condition: () => boolean,
  timeoutMs = 20_000,
  subscribe?: (wake: () => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    let done = false;
    const finish = (error?: Error) => {
      done = true;
      clearInterval(poll);
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (done) return;
      if (condition()) return finish();
      if (Date.now() > deadline) return finish(new Error(`condition not met within ${timeoutMs} ms`));
      subscribe?.(check);
    };
    const poll = setInterval(check, 50);
    check();
  });
}

/** A whole job_started payload (the browser's stream drops what does not fit the contract), plus test fields. */
export function jobStartedData(jobId: string, extra: Record<string, unknown> = {}): EventData<"job_started"> {
  return {
    jobId,
    inputId: `input-${jobId}`,
    siteUrl: "https://example.test/",
    goal: null,
    startedAt: new Date().toISOString(),
    attempt: 1,
    workerId: "test-worker",
    ...extra,
  };
}

/** Appends `count` retained job_started events, one transaction each, like the engine does. */
export async function produceRetained(
  executionId: string,
  count: number,
  data: (i: number) => EventData<"job_started"> = (i) => jobStartedData(`job-${i}`, { i }),
) {
  for (let i = 0; i < count; i++) {
    await transactWithEvents(getRuntime(), (_tx, events) => events.emit(executionId, "job_started", data(i)));
  }
}

export const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
