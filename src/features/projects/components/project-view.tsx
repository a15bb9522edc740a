"use client";

import { ChevronRight, FileSpreadsheet, Lock, Plus, ScrollText, Users, Webhook } from "lucide-react";
import Link from "next/link";
import { Breadcrumbs } from "@/components/app/breadcrumbs";
import { LoadError } from "@/components/app/load-error";
import { NotFound } from "@/components/app/not-found";
import { PageHeader } from "@/components/app/page-header";
import { Button } from "@/components/ui/button";
import { ButtonLink } from "@/components/ui/button-link";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingBlock, Skeleton } from "@/components/ui/skeleton";
import { auditPath, batchPath, membersPath, newBatchPath, projectPath, projectsPath } from "@/lib/client/paths";
import { canManage, steerRefusal, UPLOAD_DENIED } from "@/lib/client/permissions";
import { formatDateTime, plural } from "@/lib/format";
import { useProject, useProjectBatches } from "../hooks/use-projects";

/**
 * A project: its batches (newest first) with row counts and dates, and "New batch" (greyed for a viewer, who cannot
 * upload); Members, Audit and Webhooks for its admins.
 */
export function ProjectView({ projectId }: { projectId: string }) {
  const project = useProject(projectId);
  const batches = useProjectBatches(projectId);
  const newBatchHref = newBatchPath(projectId);
  const role = project.data?.role;
  const uploadRefusal = steerRefusal(role, UPLOAD_DENIED);

  if (project.error?.status === 404) return <NotFound what="project" />;

  return (
    <>
      <Breadcrumbs items={[{ label: "Projects", href: projectsPath }, { label: project.data?.name ?? "Project" }]} />
      <PageHeader
        title={project.data ? project.data.name : project.loading ? <Skeleton className="h-8 w-56" /> : "Project"}
        description={project.data ? "Each batch is a CSV: one row per page for the agents to visit." : undefined}
        actions={
          <>
            {canManage(role) && (
              <>
                <ButtonLink href={membersPath(projectId)} variant="secondary">
                  <Users className="h-4 w-4" aria-hidden="true" />
                  Members
                </ButtonLink>
                <ButtonLink href={auditPath(projectId)} variant="secondary">
                  <ScrollText className="h-4 w-4" aria-hidden="true" />
                  Audit
                </ButtonLink>
                <ButtonLink href={`${projectPath(projectId)}/webhooks`} variant="secondary">
                  <Webhook className="h-4 w-4" aria-hidden="true" />
                  Webhooks
                </ButtonLink>
              </>
            )}
            {uploadRefusal ? (
              <div className="flex flex-col gap-1 sm:items-end">
                <Button disabled aria-describedby="upload-refusal">
                  <Plus className="h-4 w-4" aria-hidden="true" />
                  New batch
                </Button>
                <p id="upload-refusal" className="inline-flex items-center gap-1 text-xs text-slate-600">
                  <Lock className="h-3 w-3" aria-hidden="true" />
                  {uploadRefusal}
                </p>
              </div>
            ) : (
              <ButtonLink href={newBatchHref}>
                <Plus className="h-4 w-4" aria-hidden="true" />
                New batch
              </ButtonLink>
            )}
          </>
        }
      />
      {project.error && (
        <LoadError
          title="Could not load the project"
          message={project.error.message}
          onRetry={project.reload}
          className="mb-6"
        />
      )}

      <section aria-labelledby="batches-title" className="space-y-3">
        <h2 id="batches-title" className="text-base font-semibold text-slate-900">
          Batches
        </h2>
        {batches.loading ? (
          <LoadingBlock label="Loading batches…" />
        ) : batches.error ? (
          <LoadError title="Could not load the batches" message={batches.error.message} onRetry={batches.reload} />
        ) : !batches.data?.length ? (
          <EmptyState
            icon={FileSpreadsheet}
            title="No batches yet"
            action={
              uploadRefusal ? undefined : (
                <ButtonLink href={newBatchHref} variant="secondary">
                  Upload a CSV
                </ButtonLink>
              )
            }
          >
            {uploadRefusal
              ? "An operator or admin of this project uploads them; you can watch their runs here."
              : "Upload a CSV with one web page per row. You can preview it and pick the URL column before anything runs."}
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
            {batches.data.map((batch) => (
              <li key={batch.id}>
                <Link
                  href={batchPath({ projectId, batchId: batch.id })}
                  className="group flex items-center gap-3 px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600"
                >
                  <FileSpreadsheet className="h-5 w-5 shrink-0 text-slate-500" aria-hidden="true" />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate font-medium text-slate-900">{batch.name}</span>
                    <span className="mt-0.5 flex flex-wrap gap-x-3 text-xs text-slate-600">
                      <span>{plural(batch.rowCount, "row")}</span>
                      {batch.sourceFileName && <span className="max-w-[16rem] truncate">{batch.sourceFileName}</span>}
                      <span>
                        Created <time dateTime={batch.createdAt}>{formatDateTime(batch.createdAt)}</time>
                      </span>
                    </span>
                  </span>
                  <ChevronRight
                    className="h-4 w-4 shrink-0 text-slate-400 group-hover:text-slate-600"
                    aria-hidden="true"
                  />
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
