/**
 * Runs the Demo project's "Shop questions" batch as a new user would, against a local OpenAI-compatible test server
 * (test/helpers/fake-llm.ts, demoShopPolicy) instead of a real model: starts fleetdeck on a fresh data folder with
 * LLM_BASE_URL pointing at it, starts a production run of the seeded goal batch with a spend cap, raises the cap
 * when the run pauses itself, and prints what every row answered, the spend and the transcript length.
 *
 *   npx tsx scripts/try-demo-goals.ts
 */
import { demoShopPolicy, startFakeLlm } from "../test/helpers/fake-llm";
import { startServer } from "../test/helpers/server";

const fake = await startFakeLlm({ policy: demoShopPolicy(), delayMs: 200 });
const server = await startServer({
  SEED_DEMO: "true",
  LLM_BASE_URL: fake.baseURL,
  LLM_MODEL: "fake-model",
  LLM_PRICES: JSON.stringify({ "fake-model": { inputPerMillion: 1, outputPerMillion: 4 } }),
});
const api = async <T>(path: string, body?: unknown): Promise<T> => {
  const res = await fetch(server.url + path, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json", origin: server.url },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
type Execution = {
  id: string;
  status: string;
  pauseReason: string | null;
  spend: { costUsd: number; inputTokens: number };
  stats: { completed: number; failed: number };
};
try {
  const { projects } = await api<{ projects: { id: string; name: string }[] }>("/api/projects");
  const demo = projects.find((p) => p.name === "Demo")!;
  const { batches } = await api<{ batches: { id: string; name: string; agent: { engine: string } }[] }>(
    `/api/projects/${demo.id}/batches`,
  );
  const goals = batches.find((b) => b.agent.engine === "agent")!;
  console.log(`Demo goal batch: "${goals.name}"`);
  let { execution } = await api<{ execution: Execution }>(`/api/batches/${goals.id}/executions`, {
    mode: "production",
    concurrency: 2,
    maxCost: 0.02,
  });
  console.log(`live view: ${server.url}/projects/${demo.id}/batches/${goals.id}/executions/${execution.id}/live`);
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    execution = (await api<{ execution: Execution }>(`/api/executions/${execution.id}`)).execution;
    if (execution.status === "paused" && execution.pauseReason) {
      console.log(`paused itself: ${execution.pauseReason} at $${execution.spend.costUsd.toFixed(4)}; lifting the cap`);
      await api(`/api/executions/${execution.id}/resume`, { maxCost: null });
    }
    if (execution.status === "completed" || execution.status === "stopped") break;
  }
  const { jobs } = await api<{
    jobs: {
      id: string;
      inputId: string;
      status: string;
      extractedData: { answer?: string } | null;
      errorMessage: string | null;
    }[];
  }>(`/api/executions/${execution.id}/jobs?limit=50`);
  for (const job of jobs.sort((a, b) => a.inputId.localeCompare(b.inputId))) {
    const { transcript } = await api<{ transcript: unknown[] }>(`/api/jobs/${job.id}`);
    console.log(
      `${job.inputId.padEnd(9)} ${job.status.padEnd(9)} ${job.extractedData?.answer ?? job.errorMessage} (${transcript.length} steps)`,
    );
  }
  console.log(
    `done: ${execution.stats.completed} completed, ${execution.stats.failed} failed; spend $${execution.spend.costUsd.toFixed(4)}, ${execution.spend.inputTokens} input tokens`,
  );
} finally {
  await server.stop();
  await fake.close();
}
