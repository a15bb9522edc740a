"use client";

import Link from "next/link";
import { LoadError } from "@/components/app/load-error";
import { Badge, type Tone } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead } from "@/components/ui/table";
import { livePath } from "@/lib/client/paths";
import type { WebhookDelivery } from "@/lib/contract/webhooks";
import { formatDateTime, shortId } from "@/lib/format";
import { useDeliveries } from "../hooks/use-webhooks";
import { EVENT_LABELS } from "./event-choices";

const STATUS_TONES: Record<WebhookDelivery["status"], Tone> = {
  pending: "warning",
  delivered: "success",
  failed: "danger",
};

/** A webhook's latest deliveries, refreshed every few seconds: what, for which run, and how sending it went. */
export function DeliveriesTable({
  projectId,
  webhookId,
  version,
}: {
  projectId: string;
  webhookId: string;
  version: number;
}) {
  const deliveries = useDeliveries(projectId, webhookId, version);
  if (deliveries.error && !deliveries.data)
    return (
      <LoadError title="Could not load the deliveries" message={deliveries.error.message} onRetry={deliveries.reload} />
    );
  const rows = deliveries.data?.deliveries ?? [];
  if (deliveries.data && rows.length === 0)
    return <p className="text-sm text-slate-600">No deliveries yet. Send a test, or wait for a run to end.</p>;
  return (
    <Table label="Deliveries">
      <THead>
        <tr>
          <TH>Event</TH>
          <TH>Execution</TH>
          <TH>Status</TH>
          <TH>Attempts</TH>
          <TH>Last answer</TH>
          <TH>Next attempt</TH>
          <TH>Delivered</TH>
        </tr>
      </THead>
      <TBody>
        {rows.map((d) => (
          <tr key={d.id} data-testid="delivery-row">
            <TD>{EVENT_LABELS[d.event]}</TD>
            <TD>
              {d.execution ? (
                <Link
                  className="font-mono text-indigo-700 hover:underline"
                  href={livePath({ projectId, batchId: d.execution.batchId, executionId: d.execution.id })}
                >
                  {shortId(d.execution.id)}
                </Link>
              ) : (
                "—"
              )}
            </TD>
            <TD>
              <Badge tone={STATUS_TONES[d.status]}>{d.status}</Badge>
            </TD>
            <TD className="tabular-nums">{d.attempts}</TD>
            <TD className="max-w-xs">
              <span className="block truncate" title={d.lastError ?? undefined}>
                {d.lastStatusCode !== null ? `${d.lastStatusCode}` : ""}
                {d.lastError
                  ? `${d.lastStatusCode !== null ? " · " : ""}${d.lastError}`
                  : d.lastStatusCode === null
                    ? "—"
                    : ""}
              </span>
            </TD>
            <TD>{d.nextAttemptAt ? formatDateTime(d.nextAttemptAt) : "—"}</TD>
            <TD>{d.deliveredAt ? formatDateTime(d.deliveredAt) : "—"}</TD>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
