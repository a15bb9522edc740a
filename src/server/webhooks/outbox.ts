import { randomUUID } from "node:crypto";
import type { WebhookEvent, WebhookPayload, WebhookPing } from "@/lib/contract/webhooks";
import type { DbOrTx, Tx } from "../db/client";
import type { Env } from "../env";
import { toExecution } from "../executions/serialize";
import * as executionsRepo from "../repos/executions";
import { getRuntime } from "../runtime";
import * as repo from "./repo";

/**
 * The outbox: a delivery row per matching enabled webhook, written in the transaction of the change it announces
 * (so a crash never loses one, and a rolled-back change sends none). The senders hear of it from the change's own
 * event on the bus, published on commit, and send it at once.
 */

/** Where links in payloads point: PUBLIC_URL, else this server on localhost (as the first-admin link). */
export function linkBase(env: Env): string {
  return (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
}

/**
 * Queues `event` for the execution's project's webhooks that listen for it. Called by the execution state machine
 * (machine.ts) where it ends an execution or pauses it on its own; a person's pause is not announced.
 */
export async function announceExecution(tx: Tx, executionId: string, event: WebhookEvent): Promise<void> {
  const execution = await executionsRepo.findExecution(tx, executionId);
  if (!execution) return;
  const found = await repo.projectWithEnabledWebhooks(tx, execution.batchId);
  const listening = found?.webhooks.filter((w) => w.events.includes(event)) ?? [];
  if (!found || listening.length === 0) return;
  const base = linkBase(getRuntime().env);
  const page = `${base}/projects/${found.project.id}/batches/${execution.batchId}/executions/${execution.id}`;
  const createdAt = new Date().toISOString();
  await repo.insertDeliveries(
    tx,
    listening.map((webhook) => {
      const id = randomUUID();
      const payload: WebhookPayload = {
        id,
        type: event,
        createdAt,
        project: found.project,
        execution: toExecution(execution),
        links: { live: `${page}/live`, results: `${page}/results`, api: `${base}/api/executions/${execution.id}` },
      };
      return { id, webhookId: webhook.id, event, executionId: execution.id, payload };
    }),
  );
}

/** Queues a ping to one webhook (Send test); the caller sends it at once. */
export async function queuePing(db: DbOrTx, webhook: repo.WebhookRow): Promise<string> {
  const id = randomUUID();
  const payload: WebhookPing = {
    id,
    type: "ping",
    createdAt: new Date().toISOString(),
    project: { id: webhook.projectId, name: await repo.findProjectName(db, webhook.projectId) },
    webhook: { id: webhook.id, url: webhook.url, events: webhook.events as WebhookPing["webhook"]["events"] },
  };
  await repo.insertDeliveries(db, [{ id, webhookId: webhook.id, event: "ping", executionId: null, payload }]);
  return id;
}
