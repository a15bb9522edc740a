import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import type { ExecutionMode, ExecutionStatus } from "@/lib/contract/resources";
import { ConnectionIndicator } from "./connection-indicator";
import { executionStatusLabel, executionStatusTone, modeLabel } from "./status-labels";

/**
 * The execution's name, mode, status and connection on the left; controls and links on the right. `byline` says who
 * paused or stopped it ("Paused by Ana · 14:02"); a page that passes it (null when nobody is named) announces it
 * politely as it changes.
 */
export function ExecutionHeader({
  title,
  mode,
  status,
  connection,
  actions,
  subtitle,
  byline,
}: {
  title: string;
  mode: ExecutionMode | null;
  status: ExecutionStatus;
  connection?: { connected: boolean; everConnected: boolean };
  actions?: ReactNode;
  subtitle?: ReactNode;
  byline?: string | null;
}) {
  return (
    <div className="flex flex-col gap-4 lg:flex-row lg:items-start lg:justify-between">
      <div className="min-w-0">
        <h1 className="break-words text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600">
          {mode && <Badge tone="neutral">{modeLabel[mode]}</Badge>}
          <Badge tone={executionStatusTone[status]} data-testid="execution-status" data-status={status}>
            <span className="sr-only">Status: </span>
            {executionStatusLabel[status]}
          </Badge>
          {byline !== undefined && (
            // Always in the page, so a change (another person paused it) is announced, not only shown.
            <span role="status" data-testid="execution-byline" className={byline ? "text-slate-700" : "sr-only"}>
              {byline}
            </span>
          )}
          {connection && (
            <ConnectionIndicator connected={connection.connected} everConnected={connection.everConnected} />
          )}
          {subtitle}
        </div>
      </div>
      {actions && (
        <div className="flex flex-col gap-2 sm:flex-row sm:flex-wrap sm:items-start lg:justify-end">{actions}</div>
      )}
    </div>
  );
}
