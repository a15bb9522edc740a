"use client";

import { GitCompareArrows } from "lucide-react";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ButtonLink } from "@/components/ui/button-link";
import { Dialog } from "@/components/ui/dialog";
import { LoadingBlock } from "@/components/ui/skeleton";
import { listExecutions } from "@/lib/client/endpoints";
import { comparePath, type ExecutionPathParams } from "@/lib/client/paths";
import { useApiResource } from "@/lib/client/use-api-resource";
import { type Execution, type ExecutionStatus, FINISHED_EXECUTION_STATUSES } from "@/lib/contract/resources";
import { formatDateTime, shortId } from "@/lib/format";
import { modeLabel } from "../../executions/components/status-labels";

/**
 * "Compare with…": a picker of the batch's other finished executions (a re-run's parent chosen first, else the
 * newest), then the compare page with the older run as A and the newer as B, so "newly failing" reads forward in time.
 */
export function CompareButton({ params, status }: { params: ExecutionPathParams; status: ExecutionStatus }) {
  const [open, setOpen] = useState(false);
  // A run still going has no settled results to compare yet.
  if (!FINISHED_EXECUTION_STATUSES.includes(status)) return null;
  return (
    <>
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        <GitCompareArrows className="h-4 w-4" aria-hidden="true" />
        Compare with…
      </Button>
      {open && <ComparePicker params={params} onClose={() => setOpen(false)} />}
    </>
  );
}

function ComparePicker({ params, onClose }: { params: ExecutionPathParams; onClose: () => void }) {
  const { data, error, loading } = useApiResource(`executions:${params.batchId}`, () => listExecutions(params.batchId));
  const others = (data?.executions ?? []).filter(
    (x) => x.id !== params.executionId && FINISHED_EXECUTION_STATUSES.includes(x.status),
  );
  const [picked, setPicked] = useState<string | null>(null);
  const self = data?.executions.find((x) => x.id === params.executionId) ?? null;
  const parentExecutionId = self?.parentExecutionId ?? null;
  const chosen =
    others.find((x) => x.id === picked) ?? others.find((x) => x.id === parentExecutionId) ?? others[0] ?? null;
  return (
    <Dialog
      open
      onOpenChange={(next) => !next && onClose()}
      title="Compare with another run"
      description="Runs of this batch that have finished. The older run is A, the newer B."
    >
      {error ? (
        <Alert tone="danger" title="Could not list the runs">
          {error.message}
        </Alert>
      ) : loading ? (
        <LoadingBlock label="Loading the runs…" />
      ) : others.length === 0 ? (
        <p className="text-sm text-slate-600">This batch has no other finished run to compare with yet.</p>
      ) : (
        <form className="space-y-4" onSubmit={(event) => event.preventDefault()}>
          <fieldset className="max-h-80 space-y-2 overflow-y-auto">
            <legend className="sr-only">Run to compare with</legend>
            {others.map((x) => (
              <label
                key={x.id}
                className="flex cursor-pointer items-start gap-3 rounded-md border border-slate-200 p-3 text-sm hover:bg-slate-50 has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50"
              >
                <input
                  type="radio"
                  name="compare-with"
                  value={x.id}
                  checked={chosen?.id === x.id}
                  onChange={() => setPicked(x.id)}
                  className="mt-1"
                />
                <span>
                  <span className="font-medium text-slate-900">{runName(x)}</span>
                  {x.id === parentExecutionId && <span className="ml-2 text-xs text-indigo-700">(re-run parent)</span>}
                  <span className="block text-slate-600">
                    {shortId(x.id)} · {x.stats.completed} completed, {x.stats.failed} failed
                    {x.stats.cancelled ? `, ${x.stats.cancelled} cancelled` : ""}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            {chosen && <ButtonLink href={compareHref(params, self, chosen)}>Compare</ButtonLink>}
          </div>
        </form>
      )}
    </Dialog>
  );
}

const runName = (x: Execution) => `${modeLabel[x.mode]} of ${formatDateTime(x.startedAt ?? x.createdAt)}`;

/** The older of the two runs is A. */
function compareHref(params: ExecutionPathParams, self: Execution | null, other: Execution): string {
  const selfFirst = self === null || self.createdAt <= other.createdAt;
  return selfFirst
    ? comparePath(params, other.id)
    : comparePath({ ...params, executionId: other.id }, params.executionId);
}
