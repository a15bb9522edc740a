// A separate process producing events on a shared PostgreSQL, like a worker of a cluster would:
//   node --import tsx test/helpers/realtime-producer.ts <databaseUrl> <count> <executionId>...
// For each i < count it appends one retained job_started to every execution (one transaction each)
// and publishes a job_progress after it, then prints "done <count>" and exits.
import { loadEnv } from "@/server/env";
import { publishEphemeral, transactWithEvents } from "@/server/events/transaction";
import { startRuntime, stopRuntime } from "@/server/runtime";
import { jobStartedData } from "./realtime-harness";

const [databaseUrl, countText, ...executionIds] = process.argv.slice(2);
const count = Number(countText);
if (!databaseUrl || !Number.isInteger(count) || executionIds.length === 0) {
  console.error("usage: realtime-producer.ts <databaseUrl> <count> <executionId>...");
  process.exit(2);
}

const env = loadEnv({ ...process.env, LOG_LEVEL: "silent", SEED_DEMO: "false", FLEETDECK_ROLE: "worker" });
const runtime = await startRuntime({ env, databaseUrl, role: "worker" });
for (let i = 0; i < count; i++) {
  for (const executionId of executionIds) {
    // Some events are bigger than a NOTIFY payload may be: they travel as markers, read from the log.
    const data = jobStartedData(`${process.pid}-${i}`, {
      producer: process.pid,
      i,
      ...(i % 25 === 0 ? { bulky: "x".repeat(9000) } : {}),
    });
    await transactWithEvents(runtime, (_tx, events) => events.emit(executionId, "job_started", data));
    publishEphemeral(runtime.bus, executionId, "job_progress", {
      jobId: data.jobId,
      currentStep: "working",
      currentUrl: null,
      progress: 10,
    });
  }
}
await stopRuntime(0);
console.log(`done ${count}`);
