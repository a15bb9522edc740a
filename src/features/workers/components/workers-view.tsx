"use client";

import { ServerOff } from "lucide-react";
import { LoadError } from "@/components/app/load-error";
import { Alert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingBlock } from "@/components/ui/skeleton";
import { Table, TBody, TD, TH, THead } from "@/components/ui/table";
import type { WorkerInfo } from "@/lib/contract/workers";
import { formatDateTime } from "@/lib/format";
import { useWorkers } from "../hooks/use-workers";
import { beatAge, WORKER_STATUS_LOOK } from "../lib/worker-status";

const START_COMMAND = (
  <code className="rounded bg-slate-100 px-1 font-mono text-xs text-slate-800">npm run start:worker</code>
);

/** The Workers page below its heading: every registered worker, refreshed every few seconds. */
export function WorkersView() {
  const { data, error, loading, reload } = useWorkers();
  if (loading) return <LoadingBlock label="Loading workers…" />;
  if (!data) return <LoadError title="Could not load the workers" message={error?.message ?? ""} onRetry={reload} />;
  const now = Date.now();
  return (
    <div className="space-y-4">
      {error && <Alert tone="warning">Could not refresh the list ({error.message}); showing the last answer.</Alert>}
      {data.workers.length === 0 ? (
        <EmptyState icon={ServerOff} title="No worker has registered">
          Workers run the jobs. Start one with {START_COMMAND} (with the same <code>DATABASE_URL</code>); see the
          README, “PostgreSQL and separate processes”. <code>npm start</code> runs one inside the web process.
        </EmptyState>
      ) : (
        <>
          {data.live === 0 && (
            <div data-testid="no-live-worker">
              <Alert tone="warning" title="No worker is running — queued jobs wait until one starts">
                Start one with {START_COMMAND}. The jobs the stopped workers left unfinished go back to the queue as it
                starts.
              </Alert>
            </div>
          )}
          <p className="text-sm text-slate-600">
            {data.live} of {data.workers.length} {data.workers.length === 1 ? "worker is" : "workers are"} alive.
          </p>
          <WorkersTable workers={data.workers} now={now} />
        </>
      )}
    </div>
  );
}

function WorkersTable({ workers, now }: { workers: WorkerInfo[]; now: number }) {
  return (
    <Table label="Workers">
      <THead>
        <tr>
          <TH>Worker</TH>
          <TH>Host</TH>
          <TH className="text-right">PID</TH>
          <TH>Version</TH>
          <TH>Status</TH>
          <TH className="text-right">Slots</TH>
          <TH className="text-right">Running jobs</TH>
          <TH>Last beat</TH>
          <TH>Started</TH>
        </tr>
      </THead>
      <TBody>
        {workers.map((worker) => {
          const look = WORKER_STATUS_LOOK[worker.status];
          return (
            <tr key={worker.id} data-status={worker.status}>
              <TD className="max-w-64 break-all font-mono text-xs">{worker.id}</TD>
              <TD>{worker.host}</TD>
              <TD className="text-right tabular-nums">{worker.pid}</TD>
              <TD>{worker.version}</TD>
              <TD>
                <span className="inline-flex items-center gap-2 whitespace-nowrap">
                  <span className={`h-2 w-2 rounded-full ${look.dot}`} aria-hidden="true" />
                  {look.label}
                </span>
              </TD>
              <TD className="text-right tabular-nums">{worker.slots}</TD>
              <TD className="text-right tabular-nums">{worker.running}</TD>
              <TD className="whitespace-nowrap" title={formatDateTime(worker.lastBeatAt)}>
                {beatAge(worker.lastBeatAt, now)}
              </TD>
              <TD className="whitespace-nowrap">{formatDateTime(worker.startedAt)}</TD>
            </tr>
          );
        })}
      </TBody>
    </Table>
  );
}
