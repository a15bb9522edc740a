"use client";

import { Breadcrumbs } from "@/components/app/breadcrumbs";
import { LoadError } from "@/components/app/load-error";
import { NotFound } from "@/components/app/not-found";
import { PageHeader } from "@/components/app/page-header";
import { Card, CardBody } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { projectPath, projectsPath } from "@/lib/client/paths";
import { RUN_DENIED, steerRefusal } from "@/lib/client/permissions";
import type { Batch } from "@/lib/contract/resources";
import { formatDateTime, plural } from "@/lib/format";
import { useBatch, useBatchProject, useExecutions } from "../hooks/use-batches";
import { AgentConfigSection } from "./agent-config-section";
import { ExecuteDialog } from "./execute-dialog";
import { ExecutionsList } from "./executions-list";
import { InputsTable } from "./inputs-table";

const engineLabel: Record<string, string> = {
  browser: "Browser (Chromium)",
  http: "HTTP",
  simulated: "Simulated",
  agent: "Goal-driven agent",
};

/** A goal batch's own settings: which model, how many steps, what the answer holds. */
function goalSettings(batch: Batch): [string, string][] {
  const goal = batch.agent?.agent;
  if (batch.agent?.engine !== "agent") return [];
  const fields = goal?.outputSchema ?? [];
  return [
    ["Model", goal?.model ?? "Server default"],
    ["Max steps", String(goal?.maxSteps ?? 15)],
    ["Timeout", `${Math.round((batch.agent.timeoutMs ?? 0) / 1000)} s`],
    ["Answer fields", fields.length > 0 ? fields.map((f) => `${f.name} (${f.type})`).join(", ") : "One text answer"],
  ];
}

function Summary({ batch }: { batch: Batch }) {
  const items: [string, string][] = [
    ["Rows", batch.rowCount.toLocaleString("en-US")],
    ["URL column", batch.urlColumn],
    ["Goal column", batch.goalColumn ?? "None"],
    ["ID column", batch.idColumn ?? "Row number"],
    ["Engine", engineLabel[batch.agent?.engine] ?? batch.agent?.engine ?? "—"],
    ["Created", formatDateTime(batch.createdAt)],
  ];
  const skipped = batch.invalidRows ?? [];
  const goal = goalSettings(batch);
  return (
    <Card>
      <CardBody>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-4 sm:grid-cols-3 lg:grid-cols-6">
          {[...items, ...goal].map(([term, value]) => (
            <div key={term} className="min-w-0">
              <dt className="text-xs font-medium text-slate-600">{term}</dt>
              <dd className="mt-0.5 break-words text-sm font-medium text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
        {skipped.length > 0 && (
          <details className="group mt-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
            <summary className="cursor-pointer rounded font-medium focus-visible:outline-2 focus-visible:outline-indigo-600">
              {plural(skipped.length, "row")} skipped at upload
            </summary>
            <ul className="mt-2 space-y-1">
              {skipped.map((r) => (
                <li key={r.row} className="flex gap-2">
                  <span className="w-16 shrink-0 tabular-nums">Row {r.row}</span>
                  <span className="min-w-0 break-words">{r.reason}</span>
                </li>
              ))}
            </ul>
          </details>
        )}
      </CardBody>
    </Card>
  );
}

/** A batch: what it holds, its runs, its input rows, and "Execute Batch". */
export function BatchView({ projectId, batchId }: { projectId: string; batchId: string }) {
  const project = useBatchProject(projectId);
  const batch = useBatch(batchId);
  const executions = useExecutions(batchId);

  if (batch.error?.status === 404 || (batch.data && batch.data.projectId !== projectId)) {
    return <NotFound what="batch" backHref={projectPath(projectId)} backLabel="Back to the project" />;
  }

  const b = batch.data;
  return (
    <>
      <Breadcrumbs
        items={[
          { label: "Projects", href: projectsPath },
          { label: project.data?.name ?? "Project", href: projectPath(projectId) },
          { label: b?.name ?? "Batch" },
        ]}
      />
      <PageHeader
        title={b ? b.name : batch.loading ? <Skeleton className="h-8 w-64" /> : "Batch"}
        description={
          b ? (
            <>
              {plural(b.rowCount, "row")}
              {b.sourceFileName ? ` from ${b.sourceFileName}` : ""}
            </>
          ) : undefined
        }
        actions={
          b ? (
            <ExecuteDialog projectId={projectId} batch={b} refusal={steerRefusal(project.data?.role, RUN_DENIED)} />
          ) : undefined
        }
      />
      {batch.error ? (
        <LoadError title="Could not load the batch" message={batch.error.message} onRetry={batch.reload} />
      ) : !b ? (
        <div role="status" className="space-y-4">
          <span className="sr-only">Loading the batch…</span>
          <Skeleton className="h-20 w-full" />
          <Skeleton className="h-40 w-full" />
        </div>
      ) : (
        <div className="space-y-8">
          <Summary batch={b} />
          <section aria-labelledby="executions-title" className="space-y-3">
            <h2 id="executions-title" className="text-base font-semibold text-slate-900">
              Runs
            </h2>
            <ExecutionsList projectId={projectId} batchId={batchId} executions={executions} />
          </section>
          <section aria-labelledby="agent-config-title" className="space-y-3">
            <h2 id="agent-config-title" className="text-base font-semibold text-slate-900">
              Agent config
            </h2>
            <AgentConfigSection batch={b} canEdit={steerRefusal(project.data?.role) === null} onSaved={batch.reload} />
          </section>
          <section aria-labelledby="inputs-title" className="space-y-3">
            <h2 id="inputs-title" className="text-base font-semibold text-slate-900">
              Inputs
            </h2>
            <InputsTable batch={b} />
          </section>
        </div>
      )}
    </>
  );
}
