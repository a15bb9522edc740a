/**
 * Child process of the realtime benchmark: opens N WebSocket clients that each subscribe to one execution, and
 * records, for every retained event received, now − event.data.t (the producer's wall clock in ms, same machine).
 * Kept out of the server's process so the server's memory and event loop are its own.
 * Protocol (IPC): parent sends {cmd:"connect", url, executionId, n} → {ready}; {cmd:"report"} → {latencies, seqs}.
 */
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";

const now = () => performance.timeOrigin + performance.now();
let sockets: WebSocket[] = [];
let latencies: number[] = [];
let received = 0;
let gaps = 0;

process.on("message", async (msg: { cmd: string; url?: string; executionId?: string; n?: number }) => {
  if (msg.cmd === "connect") {
    const { url, executionId, n } = msg as { url: string; executionId: string; n: number };
    sockets = [];
    latencies = [];
    received = 0;
    gaps = 0;
    // Connect in waves of 100: a thousand simultaneous handshakes measure the accept backlog, not delivery.
    for (let i = 0; i < n; i += 100) {
      await Promise.all(
        Array.from(
          { length: Math.min(100, n - i) },
          () =>
            new Promise<void>((resolve, reject) => {
              const ws = new WebSocket(url);
              let lastSeq = -1;
              ws.on("error", reject);
              ws.on("message", (data) => {
                const m = JSON.parse(data.toString());
                if (m.type === "connected") ws.send(JSON.stringify({ type: "subscribe", executionId }));
                else if (m.type === "subscribed") {
                  lastSeq = m.seq;
                  resolve();
                } else if (m.type === "execution_event" && typeof m.event.data?.t === "number") {
                  latencies.push(now() - m.event.data.t);
                  received++;
                  if (lastSeq >= 0 && m.event.seq !== lastSeq + 1) gaps++;
                  lastSeq = m.event.seq;
                }
              });
              sockets.push(ws);
            }),
        ),
      );
    }
    process.send!({ ready: sockets.length });
  } else if (msg.cmd === "report") {
    process.send!({ latencies, received, gaps });
  } else if (msg.cmd === "close") {
    for (const s of sockets) s.terminate();
    sockets = [];
    process.send!({ closed: true });
  } else if (msg.cmd === "exit") {
    process.exit(0);
  }
});
process.send!({ up: true });
