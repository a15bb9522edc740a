import fs from "node:fs/promises";
import path from "node:path";
import type { AgentConfig } from "@/lib/contract/agent";
import { preferredEngine } from "../agents";
import { allowHost, protectAppOrigin } from "../agents/network-guard";
import { createBatchFromCsv } from "../batches/service";
import { env } from "../env";
import { log } from "../log";
import { createProject, listProjects } from "../projects/projects";
import { CSV_ORIGIN, demoCsv, demoGoalsCsv } from "./csv";

export const DEMO_PROJECT_NAME = "Demo";
const CSV_PATH = path.resolve(process.cwd(), "demo/products.csv");

/**
 * Lets agents reach the bundled demo site on this server although it is loopback, and nothing else of the app:
 * its port on any address of this machine (and PUBLIC_URL's origin) is refused outside /demo, whatever
 * ALLOWED_HOSTS says, so a CSV row cannot point agents at the app's own API. Every process that runs agents
 * calls it at start-up.
 */
export function allowDemoSite(port: number = env().PORT): void {
  protectAppOrigin(port);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) allowHost(host, { pathPrefix: "/demo" });
}

/** Fields a newcomer would ask for on a product page; rating is read from its data attribute. */
export function demoAgentConfig(engine: "browser" | "http" = preferredEngine()): Partial<AgentConfig> {
  return {
    engine,
    fields: [
      { name: "name", selector: "h1", attribute: "textContent", multiple: false, required: true },
      { name: "price", selector: ".price", attribute: "textContent", multiple: false, required: false },
      { name: "rating", selector: "[data-rating]", attribute: "data-rating", multiple: false, required: false },
      { name: "stock", selector: ".stock", attribute: "textContent", multiple: false, required: false },
      ...(engine === "browser"
        ? [
            {
              name: "delivery",
              selector: ".delivery.ready",
              attribute: "textContent",
              multiple: false,
              required: false,
            },
          ]
        : []),
    ],
    // The delivery estimate appears after the page has loaded; only a browser runs the page's script.
    steps:
      engine === "browser"
        ? [{ action: "waitFor" as const, selector: ".delivery.ready", label: "the delivery estimate" }]
        : [],
    timeoutMs: 20_000,
    maxRetries: 1,
  };
}

/** The Demo's goal batch: the row's goal, pursued by a language model (it runs once LLM_BASE_URL names one). */
export const DEMO_GOAL_AGENT_CONFIG: Partial<AgentConfig> = {
  engine: "agent",
  timeoutMs: 180_000,
  maxRetries: 1,
  agent: { maxSteps: 12, toolMode: "tools" },
};

/**
 * First start: a Demo project with a batch of the demo site's pages, pointed at this server's real origin, and a
 * batch of goals on the same shop for the goal-driven agent.
 * Does nothing when a project named "Demo" exists (the user may have changed or emptied it).
 */
export async function seedDemo(
  options: { port?: number } = {},
): Promise<{ projectId: string; batchId: string; goalBatchId: string } | null> {
  const port = options.port ?? env().PORT;
  allowDemoSite(port);
  if ((await listProjects()).some((p) => p.name === DEMO_PROJECT_NAME)) return null;

  const origin = `http://127.0.0.1:${port}`;
  // The bundled file is the source; if it is missing (a trimmed install) the same rows are generated.
  const csv = (await fs.readFile(CSV_PATH, "utf8").catch(() => demoCsv())).replaceAll(CSV_ORIGIN, origin);
  const project = await createProject(DEMO_PROJECT_NAME);
  const { batch, rowCount } = await createBatchFromCsv({
    projectId: project.id,
    csv,
    fileName: "products.csv",
    name: "Fieldstone Goods catalogue",
    agent: demoAgentConfig(),
  });
  // Made whether or not a model is configured now: its Execute dialog says how to point it at one.
  const goals = await createBatchFromCsv({
    projectId: project.id,
    csv: demoGoalsCsv(origin),
    fileName: "goals.csv",
    name: "Shop questions (goal-driven agent)",
    goalColumn: "goal",
    idColumn: "id",
    agent: DEMO_GOAL_AGENT_CONFIG,
    engineMayBeUnavailable: true,
  });
  log().info(
    {
      projectId: project.id,
      batchId: batch.id,
      rows: rowCount,
      engine: batch.agent.engine,
      goalBatchId: goals.batch.id,
      origin,
    },
    "seeded the Demo project",
  );
  return { projectId: project.id, batchId: batch.id, goalBatchId: goals.batch.id };
}
