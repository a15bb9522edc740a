"use client";

import { useCallback } from "react";
import { Breadcrumbs } from "@/components/app/breadcrumbs";
import { LoadError } from "@/components/app/load-error";
import { NotFound } from "@/components/app/not-found";
import { PageHeader } from "@/components/app/page-header";
import { Alert } from "@/components/ui/alert";
import { LoadingBlock, Skeleton } from "@/components/ui/skeleton";
import { type AuditFilter, type AuditQuery, getProjectAudit, projectAuditCsvUrl } from "@/lib/client/endpoints";
import { projectPath, projectsPath } from "@/lib/client/paths";
import { canManage } from "@/lib/client/permissions";
import { useAuditProject } from "../hooks/use-audit-context";
import { AuditTrail } from "./audit-trail";

/** A project's audit trail (admins): every control, upload, export, member and token change, who, when, from where. */
export function AuditView({ projectId }: { projectId: string }) {
  const project = useAuditProject(projectId);
  const admin = canManage(project.data?.role);
  const load = useCallback((query: AuditQuery) => getProjectAudit(projectId, query), [projectId]);
  const csvUrl = useCallback((filter: AuditFilter) => projectAuditCsvUrl(projectId, filter), [projectId]);

  if (project.error?.status === 404) return <NotFound what="project" />;

  return (
    <>
      <Breadcrumbs
        items={[
          { label: "Projects", href: projectsPath },
          { label: project.data?.name ?? "Project", href: projectPath(projectId) },
          { label: "Audit" },
        ]}
      />
      <PageHeader
        title="Audit trail"
        description={
          project.data ? (
            <>
              Who did what in <span className="font-medium text-slate-800">{project.data.name}</span>, newest first.
              Entries cannot be changed or deleted.
            </>
          ) : (
            <Skeleton className="h-4 w-64" />
          )
        }
      />
      {project.error ? (
        <LoadError title="Could not load the project" message={project.error.message} onRetry={project.reload} />
      ) : !project.data ? (
        <LoadingBlock label="Loading the trail…" lines={4} />
      ) : !admin ? (
        <Alert tone="warning" title="Only admins of this project see its audit trail">
          Each run's Activity tab shows what was done to that run.
        </Alert>
      ) : (
        <AuditTrail
          source={`project:${projectId}`}
          load={load}
          csvUrl={csvUrl}
          label="Audit trail"
          emptyText="Controls, uploads, exports and member changes appear here as they happen."
        />
      )}
    </>
  );
}
