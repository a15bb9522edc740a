import { and, asc, count, desc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Actor } from "@/lib/contract/auth";
import type { DeliveryEvent, WebhookEvent } from "@/lib/contract/webhooks";
import type { DbOrTx } from "../db/client";
import { batches, projects, webhookDeliveries, webhooks } from "../db/schema";

/** Every query on webhooks and their deliveries (the outbox). */

export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export async function listWebhooks(db: DbOrTx, projectId: string): Promise<WebhookRow[]> {
  return db.select().from(webhooks).where(eq(webhooks.projectId, projectId)).orderBy(asc(webhooks.createdAt));
}

export async function findWebhook(db: DbOrTx, projectId: string, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.projectId, projectId), eq(webhooks.id, id)));
  return row;
}

/** Counts a project's webhooks under its row's lock, so two creations cannot both pass the cap. */
export async function countWebhooksLocked(db: DbOrTx, projectId: string): Promise<number> {
  await db.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for("update");
  const [row] = await db.select({ n: count() }).from(webhooks).where(eq(webhooks.projectId, projectId));
  return row?.n ?? 0;
}

export async function insertWebhook(
  db: DbOrTx,
  values: {
    projectId: string;
    url: string;
    secret: string;
    events: WebhookEvent[];
    enabled: boolean;
    createdBy: Actor | null;
  },
): Promise<WebhookRow> {
  const [row] = await db.insert(webhooks).values(values).returning();
  return row!;
}

export async function updateWebhook(
  db: DbOrTx,
  id: string,
  patch: Partial<Pick<WebhookRow, "url" | "events" | "enabled" | "secret">>,
): Promise<WebhookRow> {
  const [row] = await db.update(webhooks).set(patch).where(eq(webhooks.id, id)).returning();
  return row!;
}

export async function deleteWebhook(db: DbOrTx, id: string): Promise<void> {
  await db.delete(webhooks).where(eq(webhooks.id, id));
}

/** The project an execution's batch belongs to, with its enabled webhooks. */
export async function projectWithEnabledWebhooks(
  db: DbOrTx,
  batchId: string,
): Promise<{ project: { id: string; name: string }; webhooks: WebhookRow[] } | null> {
  const [project] = await db
    .select({ id: projects.id, name: projects.name })
    .from(batches)
    .innerJoin(projects, eq(projects.id, batches.projectId))
    .where(eq(batches.id, batchId));
  if (!project) return null;
  const enabled = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.projectId, project.id), eq(webhooks.enabled, true)));
  return { project, webhooks: enabled };
}

export async function findProjectName(db: DbOrTx, projectId: string): Promise<string> {
  const [row] = await db.select({ name: projects.name }).from(projects).where(eq(projects.id, projectId));
  return row?.name ?? "";
}

export async function insertDeliveries(
  db: DbOrTx,
  rows: { id: string; webhookId: string; event: DeliveryEvent; executionId: string | null; payload: object }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(webhookDeliveries).values(rows.map((r) => ({ ...r, payload: r.payload as Record<string, unknown> })));
}

/** A delivery claimed for one attempt, with what sending it needs. */
export interface ClaimedDelivery {
  delivery: DeliveryRow;
  webhook: Pick<WebhookRow, "id" | "url" | "secret" | "enabled">;
}

const due = () =>
  and(
    eq(webhookDeliveries.status, "pending"),
    lte(webhookDeliveries.nextAttemptAt, sql`now()`),
    or(isNull(webhookDeliveries.leaseExpiresAt), lt(webhookDeliveries.leaseExpiresAt, sql`now()`)),
  );

/**
 * Claims up to `limit` due deliveries (or the one with `id`, when due) for an attempt each: SKIP LOCKED keeps two
 * senders off the same rows, the lease keeps them off it until the attempt is over (or its sender is long dead), and
 * the attempt is counted now, so one that dies mid-attempt still counts.
 */
export async function claimDue(
  tx: DbOrTx,
  claim: { limit: number; leaseSeconds: number; id?: string },
): Promise<ClaimedDelivery[]> {
  const candidates = await tx
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(claim.id ? and(due(), eq(webhookDeliveries.id, claim.id)) : due())
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(claim.limit)
    .for("update", { skipLocked: true });
  if (candidates.length === 0) return [];
  const claimed = await tx
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      leaseExpiresAt: sql`now() + make_interval(secs => ${claim.leaseSeconds})`,
    })
    .where(
      inArray(
        webhookDeliveries.id,
        candidates.map((c) => c.id),
      ),
    )
    .returning();
  const hooks = await tx
    .select({ id: webhooks.id, url: webhooks.url, secret: webhooks.secret, enabled: webhooks.enabled })
    .from(webhooks)
    .where(inArray(webhooks.id, [...new Set(claimed.map((d) => d.webhookId))]));
  const byId = new Map(hooks.map((h) => [h.id, h]));
  return claimed.flatMap((delivery) => {
    const webhook = byId.get(delivery.webhookId);
    return webhook ? [{ delivery, webhook }] : [];
  });
}

/** How an attempt ended: delivered, or to try again at `retryAt`, or given up (`retryAt` null). */
export type AttemptResult =
  | { delivered: true; statusCode: number }
  | { delivered: false; statusCode: number | null; error: string; retryAt: Date | null };

/** Records an attempt of a claim this sender still holds (the same attempt number); false when it no longer does. */
export async function recordAttempt(db: DbOrTx, claimed: DeliveryRow, result: AttemptResult): Promise<boolean> {
  const held = and(
    eq(webhookDeliveries.id, claimed.id),
    eq(webhookDeliveries.status, "pending"),
    eq(webhookDeliveries.attempts, claimed.attempts),
  );
  const patch = result.delivered
    ? {
        status: "delivered" as const,
        deliveredAt: sql`now()`,
        lastStatusCode: result.statusCode,
        lastError: null,
        leaseExpiresAt: null,
      }
    : {
        status: result.retryAt ? ("pending" as const) : ("failed" as const),
        nextAttemptAt: result.retryAt ?? claimed.nextAttemptAt,
        lastStatusCode: result.statusCode,
        lastError: result.error,
        leaseExpiresAt: null,
      };
  const rows = await db.update(webhookDeliveries).set(patch).where(held).returning({ id: webhookDeliveries.id });
  return rows.length === 1;
}

/** When the earliest pending delivery comes due (a lease's end counts as due), or null when none is pending. */
export async function nextDueAt(db: DbOrTx): Promise<Date | null> {
  const [row] = await db
    .select({
      at: sql<
        Date | string | null
      >`min(greatest(${webhookDeliveries.nextAttemptAt}, coalesce(${webhookDeliveries.leaseExpiresAt}, ${webhookDeliveries.nextAttemptAt})))`,
    })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.status, "pending"));
  return row?.at ? new Date(row.at) : null;
}

export async function findDelivery(db: DbOrTx, id: string): Promise<DeliveryRow | undefined> {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  return row;
}

/**
 * A page of a webhook's deliveries, newest first, after the position (createdAt, id) of the last one seen. Times
 * are compared to the millisecond, as the cursor carries them (the database keeps microseconds).
 */
export async function listDeliveries(
  db: DbOrTx,
  webhookId: string,
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<DeliveryRow[]> {
  const { before } = page;
  const createdMs = sql`date_trunc('milliseconds', ${webhookDeliveries.createdAt})`;
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.webhookId, webhookId),
        before
          ? sql`(${createdMs}, ${webhookDeliveries.id}) < (${before.createdAt.toISOString()}::timestamptz, ${before.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(createdMs), desc(webhookDeliveries.id))
    .limit(page.limit);
}
