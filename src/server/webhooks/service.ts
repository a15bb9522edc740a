import type { z } from "zod";
import type {
  createWebhookSchema,
  updateWebhookSchema,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEvent,
  WebhookWithSecret,
} from "@/lib/contract/webhooks";
import { MAX_WEBHOOKS_PER_PROJECT } from "@/lib/contract/webhooks";
import { type NetworkGuard, networkGuard } from "../agents/network-guard";
import { isAgentError } from "../agents/types";
import { type Doer, recordAudit } from "../auth/audit";
import { AppError, invalidState, notFound, validationFailed } from "../errors";
import { decodeCursor, encodeCursor } from "../http/cursor";
import { isUuid } from "../repos/projects";
import { getRuntime } from "../runtime";
import { queuePing } from "./outbox";
import * as repo from "./repo";
import { DEFAULT_SENDER_OPTIONS, WebhookSender } from "./sender";
import { newWebhookSecret } from "./signature";

/** Managing a project's webhooks (admins), their delivery log, and Send test. */

type CreateWebhook = z.output<typeof createWebhookSchema>;
type UpdateWebhook = z.output<typeof updateWebhookSchema>;

export function toWebhook(row: repo.WebhookRow): Webhook {
  return {
    id: row.id,
    projectId: row.projectId,
    url: row.url,
    events: row.events as WebhookEvent[],
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy ?? null,
  };
}

export function toDelivery(row: repo.DeliveryRow): WebhookDelivery {
  const execution = (row.payload as { execution?: { id?: unknown; batchId?: unknown } }).execution;
  return {
    id: row.id,
    webhookId: row.webhookId,
    event: row.event as WebhookDelivery["event"],
    execution:
      row.executionId && typeof execution?.batchId === "string"
        ? { id: row.executionId, batchId: execution.batchId }
        : null,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  };
}

/** The URL must pass the network guard now, as agents' URLs do (ALLOWED_HOSTS opens private hosts). */
async function admitUrl(url: string, guard: NetworkGuard): Promise<void> {
  try {
    await guard.admit(url);
  } catch (e) {
    if (!isAgentError(e)) throw e;
    throw validationFailed(`url: ${e.message}`, { issues: [{ field: "url", message: e.message }] });
  }
}

export async function listWebhooks(projectId: string): Promise<Webhook[]> {
  return (await repo.listWebhooks(getRuntime().db, projectId)).map(toWebhook);
}

async function mustFind(projectId: string, webhookId: string): Promise<repo.WebhookRow> {
  const row = isUuid(webhookId) ? await repo.findWebhook(getRuntime().db, projectId, webhookId) : undefined;
  if (!row) throw notFound("Webhook", webhookId);
  return row;
}

export async function createWebhook(
  projectId: string,
  input: CreateWebhook,
  doer: Doer,
  guard: NetworkGuard = networkGuard,
): Promise<WebhookWithSecret> {
  await admitUrl(input.url, guard);
  const secret = newWebhookSecret();
  const row = await getRuntime().db.transaction(async (tx) => {
    if ((await repo.countWebhooksLocked(tx, projectId)) >= MAX_WEBHOOKS_PER_PROJECT)
      throw invalidState(`A project has at most ${MAX_WEBHOOKS_PER_PROJECT} webhooks: delete one first`);
    const created = await repo.insertWebhook(tx, { projectId, ...input, secret, createdBy: doer.actor });
    await recordAudit(tx, doer, {
      action: "webhook.create",
      projectId,
      target: { type: "webhook", id: created.id },
      after: { url: created.url, events: created.events, enabled: created.enabled },
    });
    return created;
  });
  return { webhook: toWebhook(row), secret };
}

export async function updateWebhook(
  projectId: string,
  webhookId: string,
  patch: UpdateWebhook,
  doer: Doer,
  guard: NetworkGuard = networkGuard,
): Promise<Webhook> {
  const before = await mustFind(projectId, webhookId);
  if (patch.url !== undefined) await admitUrl(patch.url, guard);
  const row = await getRuntime().db.transaction(async (tx) => {
    const updated = await repo.updateWebhook(tx, webhookId, patch);
    await recordAudit(tx, doer, {
      action: "webhook.update",
      projectId,
      target: { type: "webhook", id: webhookId },
      before: { url: before.url, events: before.events, enabled: before.enabled },
      after: { url: updated.url, events: updated.events, enabled: updated.enabled },
    });
    return updated;
  });
  return toWebhook(row);
}

export async function deleteWebhook(projectId: string, webhookId: string, doer: Doer): Promise<void> {
  const before = await mustFind(projectId, webhookId);
  await getRuntime().db.transaction(async (tx) => {
    await repo.deleteWebhook(tx, webhookId);
    await recordAudit(tx, doer, {
      action: "webhook.delete",
      projectId,
      target: { type: "webhook", id: webhookId },
      before: { url: before.url, events: before.events, enabled: before.enabled },
    });
  });
}

/** A new secret, shown once; deliveries signed from now on use it (the old one stops working at once). */
export async function rotateSecret(projectId: string, webhookId: string, doer: Doer): Promise<WebhookWithSecret> {
  await mustFind(projectId, webhookId);
  const secret = newWebhookSecret();
  const row = await getRuntime().db.transaction(async (tx) => {
    const updated = await repo.updateWebhook(tx, webhookId, { secret });
    await recordAudit(tx, doer, {
      action: "webhook.rotate_secret",
      projectId,
      target: { type: "webhook", id: webhookId },
      after: { url: updated.url },
    });
    return updated;
  });
  return { webhook: toWebhook(row), secret };
}

/**
 * Send test: queues a ping and sends it in this request (any process may, the claim keeps it to one sender), so the
 * answer says how it went; a failed ping is retried like any delivery.
 */
export async function sendTest(
  projectId: string,
  webhookId: string,
  options: { guard?: NetworkGuard } = {},
): Promise<WebhookDelivery> {
  const webhook = await mustFind(projectId, webhookId);
  if (!webhook.enabled) throw invalidState("The webhook is disabled: enable it to send a test");
  const runtime = getRuntime();
  const id = await queuePing(runtime.db, webhook);
  const [claimed] = await runtime.db.transaction((tx) =>
    repo.claimDue(tx, { id, limit: 1, leaseSeconds: DEFAULT_SENDER_OPTIONS.leaseSeconds }),
  );
  // A sender of another process may have claimed it first: then it is theirs to send.
  if (claimed) await new WebhookSender(runtime, { guard: options.guard ?? networkGuard }).attempt(claimed);
  const row = await repo.findDelivery(runtime.db, id);
  if (!row) throw new AppError("internal", 500, "The test delivery vanished");
  return toDelivery(row);
}

export async function listDeliveries(
  projectId: string,
  webhookId: string,
  page: { limit: number; cursor?: string },
): Promise<WebhookDeliveryPage> {
  await mustFind(projectId, webhookId);
  const position = page.cursor ? decodeCursor(page.cursor, { withId: true }) : undefined;
  const createdAt = position ? new Date(position.key) : undefined;
  if (createdAt && Number.isNaN(createdAt.getTime())) throw validationFailed("cursor is not one this API handed out");
  const rows = await repo.listDeliveries(getRuntime().db, webhookId, {
    limit: page.limit + 1,
    before: position && createdAt ? { createdAt, id: position.id } : undefined,
  });
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    deliveries: shown.map(toDelivery),
    nextCursor:
      rows.length > page.limit && last ? encodeCursor({ key: last.createdAt.toISOString(), id: last.id }) : null,
  };
}
