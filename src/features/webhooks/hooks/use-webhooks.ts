"use client";

import { useCallback, useEffect, useState } from "react";
import {
  type CreateWebhookRequest,
  createWebhook,
  deleteWebhook,
  listWebhookDeliveries,
  listWebhooks,
  rotateWebhookSecret,
  testWebhook,
  type UpdateWebhookRequest,
  updateWebhook,
} from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { useApiResource } from "@/lib/client/use-api-resource";

/** How often an open delivery log asks again: retries happen on their own. */
export const DELIVERIES_REFRESH_MS = 5000;

/** A secret just made (created or rotated): shown once, until dismissed. */
export interface ShownSecret {
  webhookId: string;
  url: string;
  secret: string;
}

/**
 * The project's webhooks (admins only: `enabled` false asks nothing) and the changes an admin makes. Each change
 * reloads the list; a refusal keeps the API's words (the guard's reason for a URL) for the page.
 */
export function useWebhooks(projectId: string, enabled: boolean) {
  const list = useApiResource(enabled ? `webhooks:${projectId}` : null, () => listWebhooks(projectId));
  const { reload } = list;
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<{ what: string; message: string } | null>(null);
  const [secret, setSecret] = useState<ShownSecret | null>(null);

  const run = useCallback(
    async <T>(what: string, change: () => Promise<T>): Promise<T | null> => {
      setPending(what);
      setError(null);
      try {
        return await change();
      } catch (e) {
        setError({ what, message: toApiError(e).message });
        return null;
      } finally {
        setPending(null);
        await reload();
      }
    },
    [reload],
  );

  return {
    data: list.data?.webhooks ?? null,
    loading: list.loading,
    loadError: list.error,
    reload,
    pending,
    error,
    secret,
    dismissSecret: useCallback(() => setSecret(null), []),
    clearError: useCallback(() => setError(null), []),
    add: useCallback(
      async (body: CreateWebhookRequest) => {
        const created = await run("add", () => createWebhook(projectId, body));
        if (created) setSecret({ webhookId: created.webhook.id, url: created.webhook.url, secret: created.secret });
        return created !== null;
      },
      [run, projectId],
    ),
    update: useCallback(
      (webhookId: string, body: UpdateWebhookRequest) =>
        run(`update:${webhookId}`, () => updateWebhook(projectId, webhookId, body)),
      [run, projectId],
    ),
    remove: useCallback(
      (webhookId: string) => run(`remove:${webhookId}`, () => deleteWebhook(projectId, webhookId)),
      [run, projectId],
    ),
    rotate: useCallback(
      async (webhookId: string) => {
        const rotated = await run(`rotate:${webhookId}`, () => rotateWebhookSecret(projectId, webhookId));
        if (rotated) setSecret({ webhookId, url: rotated.webhook.url, secret: rotated.secret });
      },
      [run, projectId],
    ),
    test: useCallback(
      (webhookId: string) => run(`test:${webhookId}`, () => testWebhook(projectId, webhookId)),
      [run, projectId],
    ),
  };
}

export type WebhooksState = ReturnType<typeof useWebhooks>;

/** A webhook's latest deliveries, asked again every few seconds while shown (and after `version` changes). */
export function useDeliveries(projectId: string, webhookId: string, version: number) {
  const resource = useApiResource(`deliveries:${webhookId}:${version}`, () =>
    listWebhookDeliveries(projectId, webhookId, { limit: 20 }),
  );
  const { reload } = resource;
  useEffect(() => {
    const timer = setInterval(() => void reload(), DELIVERIES_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return resource;
}
