import { actorSchema } from "./auth";
import { timestampSchema } from "./primitives";
import { executionSchema } from "./resources";
import { z } from "./zod";

/**
 * Webhooks (README "Webhooks"): per project, URLs told when an execution completes, stops or pauses itself. Each
 * delivery is a signed POST (`fleetdeck-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`),
 * retried with backoff until a 2xx or the last attempt.
 */

export const WEBHOOK_EVENTS = ["execution.completed", "execution.stopped", "execution.paused"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** What a delivery announces: an event, or `ping` (Send test). */
export type DeliveryEvent = WebhookEvent | "ping";

export const MAX_WEBHOOKS_PER_PROJECT = 20;
export const MAX_WEBHOOK_URL_LENGTH = 2000;

const webhookUrlSchema = z
  .string()
  .trim()
  .max(MAX_WEBHOOK_URL_LENGTH, `url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`)
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), "url must be an absolute http(s) URL");

const webhookEventsSchema = z
  .array(z.enum(WEBHOOK_EVENTS, { error: `events must hold only ${WEBHOOK_EVENTS.join(", ")}` }))
  .min(1, "events must name at least one event")
  .max(WEBHOOK_EVENTS.length)
  .refine((events) => new Set(events).size === events.length, "events must not repeat an event");

/** POST /api/projects/:id/webhooks. */
export const createWebhookSchema = z.object({
  url: webhookUrlSchema,
  events: webhookEventsSchema,
  enabled: z.boolean().default(true),
});

/** PATCH /api/projects/:id/webhooks/:webhookId: any of the fields, at least one. */
export const updateWebhookSchema = z
  .object({ url: webhookUrlSchema, events: webhookEventsSchema, enabled: z.boolean() })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, "give url, events or enabled");

export const webhookSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    enabled: z.boolean(),
    createdAt: timestampSchema,
    createdBy: actorSchema.nullable(),
  })
  .meta({ id: "Webhook", description: "Where to POST a project's execution events. The secret is never shown again." });
export type Webhook = z.infer<typeof webhookSchema>;

export const webhookListSchema = z.object({ webhooks: z.array(webhookSchema) });
export type WebhookList = z.infer<typeof webhookListSchema>;

export const webhookResponseSchema = z.object({ webhook: webhookSchema });
export type WebhookResponse = z.infer<typeof webhookResponseSchema>;

/** POST …/webhooks (201) and POST …/rotate-secret: `secret` is in this answer and nowhere else, ever. */
export const webhookWithSecretSchema = z.object({
  webhook: webhookSchema,
  secret: z.string().meta({ description: "The signing secret (32 random bytes, base64url); shown once." }),
});
export type WebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

export const webhookDeliverySchema = z
  .object({
    id: z.string(),
    webhookId: z.string(),
    event: z.enum([...WEBHOOK_EVENTS, "ping"]),
    /** The execution it announces (null for a ping, or once the execution was deleted), with its batch for links. */
    execution: z.object({ id: z.string(), batchId: z.string() }).nullable(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int().min(0),
    /** When the next attempt is due (pending), else null. */
    nextAttemptAt: timestampSchema.nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: timestampSchema,
    deliveredAt: timestampSchema.nullable(),
  })
  .meta({ id: "WebhookDelivery", description: "One announcement to one webhook, and how sending it went." });
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/** GET …/webhooks/:webhookId/deliveries: newest first; `nextCursor` asks for older ones. */
export const webhookDeliveryPageSchema = z.object({
  deliveries: z.array(webhookDeliverySchema),
  nextCursor: z.string().nullable(),
});
export type WebhookDeliveryPage = z.infer<typeof webhookDeliveryPageSchema>;

export const webhookDeliveryResponseSchema = z.object({ delivery: webhookDeliverySchema });
export type WebhookDeliveryResponse = z.infer<typeof webhookDeliveryResponseSchema>;

export const deliveriesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100, "limit must be an integer from 1 to 100").default(50),
  cursor: z.string().max(500).optional(),
});

/**
 * The body of every delivery but a ping. `execution` is the Execution resource as GET /api/executions/:id answers
 * it, with stats and spend, as of the change; links are absolute (PUBLIC_URL, else http://localhost:PORT).
 */
export const webhookPayloadSchema = z
  .object({
    id: z.string().meta({ description: "The delivery's id (also the fleetdeck-delivery header): dedupe on it." }),
    type: z.enum(WEBHOOK_EVENTS),
    createdAt: timestampSchema,
    project: z.object({ id: z.string(), name: z.string() }),
    execution: executionSchema,
    links: z.object({ live: z.string(), results: z.string(), api: z.string() }),
  })
  .meta({ id: "WebhookPayload" });
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/** The body of a ping (Send test). */
export const webhookPingSchema = z.object({
  id: z.string(),
  type: z.literal("ping"),
  createdAt: timestampSchema,
  project: z.object({ id: z.string(), name: z.string() }),
  webhook: z.object({ id: z.string(), url: z.string(), events: z.array(z.enum(WEBHOOK_EVENTS)) }),
});
export type WebhookPing = z.infer<typeof webhookPingSchema>;
