"use client";

import { KeyRound, Send, Trash2 } from "lucide-react";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { Webhook } from "@/lib/contract/webhooks";
import { formatDateTime } from "@/lib/format";
import type { WebhooksState } from "../hooks/use-webhooks";
import { DeliveriesTable } from "./deliveries-table";
import { EventChoices } from "./event-choices";

/** One webhook: its URL and events, enable/disable, rotate, Send test, delete, and its delivery log. */
export function WebhookCard({
  projectId,
  webhook,
  webhooks,
}: {
  projectId: string;
  webhook: Webhook;
  webhooks: WebhooksState;
}) {
  // Bumped after a test so the log shows the ping at once instead of at the next refresh.
  const [version, setVersion] = useState(0);
  const busy = webhooks.pending?.endsWith(`:${webhook.id}`) ?? false;
  const refusal = webhooks.error?.what.endsWith(`:${webhook.id}`) ? webhooks.error.message : null;

  async function sendTest() {
    await webhooks.test(webhook.id);
    setVersion((v) => v + 1);
  }

  return (
    <section
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4"
      data-testid="webhook"
      aria-label={webhook.url}
    >
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <p className="truncate font-mono text-sm text-slate-900" title={webhook.url}>
            {webhook.url}
          </p>
          <p className="mt-1 text-xs text-slate-500">
            Added {formatDateTime(webhook.createdAt)}
            {webhook.createdBy ? ` by ${webhook.createdBy.name}` : ""}
          </p>
        </div>
        <div className="flex shrink-0 flex-wrap items-center gap-2">
          <Badge tone={webhook.enabled ? "success" : "neutral"}>{webhook.enabled ? "Enabled" : "Disabled"}</Badge>
          <Button
            size="sm"
            variant="secondary"
            disabled={busy}
            onClick={() => void webhooks.update(webhook.id, { enabled: !webhook.enabled })}
          >
            {webhook.enabled ? "Disable" : "Enable"}
          </Button>
          <Button
            size="sm"
            variant="secondary"
            disabled={busy || !webhook.enabled}
            loading={webhooks.pending === `test:${webhook.id}`}
            onClick={() => void sendTest()}
          >
            <Send className="h-4 w-4" aria-hidden="true" />
            Send test
          </Button>
          <Button size="sm" variant="secondary" disabled={busy} onClick={() => void webhooks.rotate(webhook.id)}>
            <KeyRound className="h-4 w-4" aria-hidden="true" />
            Rotate secret
          </Button>
          <Button
            size="sm"
            variant="ghost"
            disabled={busy}
            aria-label={`Delete the webhook ${webhook.url}`}
            onClick={() => {
              if (window.confirm(`Delete the webhook ${webhook.url} and its delivery log?`))
                void webhooks.remove(webhook.id);
            }}
          >
            <Trash2 className="h-4 w-4" aria-hidden="true" />
            Delete
          </Button>
        </div>
      </div>
      <EventChoices
        value={webhook.events}
        disabled={busy}
        onChange={(events) => {
          if (events.length > 0) void webhooks.update(webhook.id, { events });
        }}
      />
      {refusal && (
        <p role="alert" className="text-sm text-red-700">
          {refusal}
        </p>
      )}
      <div className="space-y-2">
        <h3 className="text-sm font-semibold text-slate-900">Deliveries</h3>
        <DeliveriesTable projectId={projectId} webhookId={webhook.id} version={version} />
      </div>
    </section>
  );
}
