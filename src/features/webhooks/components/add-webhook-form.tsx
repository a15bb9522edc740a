"use client";

import { Plus } from "lucide-react";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { MAX_WEBHOOK_URL_LENGTH, WEBHOOK_EVENTS, type WebhookEvent } from "@/lib/contract/webhooks";
import type { WebhooksState } from "../hooks/use-webhooks";
import { EventChoices } from "./event-choices";

/** Add a webhook: its URL and the events it hears (all three to start with). */
export function AddWebhookForm({ webhooks }: { webhooks: WebhooksState }) {
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>([...WEBHOOK_EVENTS]);
  const refusal = webhooks.error?.what === "add" ? webhooks.error.message : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await webhooks.add({ url: url.trim(), events })) setUrl("");
  }

  return (
    <form
      onSubmit={(e) => void submit(e)}
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      aria-label="Add a webhook"
    >
      <TextField
        label="URL"
        type="url"
        required
        maxLength={MAX_WEBHOOK_URL_LENGTH}
        placeholder="https://hooks.example.com/fleetdeck"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        hint="fleetdeck POSTs a signed JSON body here. Private and local addresses are refused unless ALLOWED_HOSTS lists them."
        error={refusal}
      />
      <EventChoices value={events} onChange={setEvents} />
      {events.length === 0 && <Alert tone="warning">Choose at least one event.</Alert>}
      <Button type="submit" loading={webhooks.pending === "add"} disabled={events.length === 0 || url.trim() === ""}>
        <Plus className="h-4 w-4" aria-hidden="true" />
        Add webhook
      </Button>
    </form>
  );
}
