"use client";

import { WEBHOOK_EVENTS, type WebhookEvent } from "@/lib/contract/webhooks";

export const EVENT_LABELS: Record<WebhookEvent | "ping", string> = {
  "execution.completed": "Completed",
  "execution.stopped": "Stopped",
  "execution.paused": "Paused itself (budget)",
  ping: "Test ping",
};

/** Which events a webhook hears: a checkbox each. */
export function EventChoices({
  value,
  onChange,
  disabled,
}: {
  value: WebhookEvent[];
  onChange: (events: WebhookEvent[]) => void;
  disabled?: boolean;
}) {
  return (
    <fieldset className="flex flex-wrap gap-x-5 gap-y-2" disabled={disabled}>
      <legend className="mb-1 text-sm font-medium text-slate-700">Events</legend>
      {WEBHOOK_EVENTS.map((event) => (
        <label key={event} className="inline-flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            className="h-4 w-4 rounded border-slate-300 text-indigo-600"
            checked={value.includes(event)}
            onChange={(e) =>
              onChange(
                e.target.checked
                  ? WEBHOOK_EVENTS.filter((x) => x === event || value.includes(x))
                  : value.filter((x) => x !== event),
              )
            }
          />
          {EVENT_LABELS[event]}
          <code className="text-xs text-slate-500">{event}</code>
        </label>
      ))}
    </fieldset>
  );
}
