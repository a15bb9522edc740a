import { Alert } from "@/components/ui/alert";

/** Split mode with every worker gone: the run is not stuck by itself, it waits for a worker process. */
export function NoWorkerNotice() {
  return (
    <div data-testid="no-worker-banner">
      <Alert tone="warning" title="No worker is running — jobs will resume when one starts">
        This server runs no jobs itself. Start a worker with{" "}
        <code className="rounded bg-amber-100 px-1 font-mono text-xs">npm run start:worker</code>; the jobs a stopped
        worker left unfinished go back to the queue as it starts, and the run carries on.
      </Alert>
    </div>
  );
}
