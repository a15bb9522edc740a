"use client";

import { Radio, TableProperties } from "lucide-react";
import { useCallback } from "react";
import { Breadcrumbs } from "@/components/app/breadcrumbs";
import { PageHeader } from "@/components/app/page-header";
import { ButtonLink } from "@/components/ui/button-link";
import {
  type AuditFilter,
  type AuditQuery,
  executionActivityCsvUrl,
  getExecutionActivity,
} from "@/lib/client/endpoints";
import {
  batchPath,
  type ExecutionPathParams,
  livePath,
  projectPath,
  projectsPath,
  resultsPath,
} from "@/lib/client/paths";
import { useAuditBatch, useAuditProject } from "../hooks/use-audit-context";
import { AuditTrail } from "./audit-trail";

/** An execution's Activity: who started, paused, resumed, stopped, re-configured or exported it, and when. */
export function ActivityView({ projectId, batchId, executionId }: ExecutionPathParams) {
  const params = { projectId, batchId, executionId };
  const project = useAuditProject(projectId);
  const batch = useAuditBatch(batchId);
  const load = useCallback((query: AuditQuery) => getExecutionActivity(executionId, query), [executionId]);
  const csvUrl = useCallback((filter: AuditFilter) => executionActivityCsvUrl(executionId, filter), [executionId]);

  return (
    <>
      <Breadcrumbs
        items={[
          { label: "Projects", href: projectsPath },
          { label: project.data?.name ?? "Project", href: projectPath(projectId) },
          { label: batch.data?.name ?? "Batch", href: batchPath(params) },
          { label: "Activity" },
        ]}
      />
      <PageHeader
        title="Activity"
        description="Who steered this run, and when: each start, pause, resume, stop, concurrency change and export."
        actions={
          <>
            <ButtonLink href={livePath(params)} variant="secondary" size="sm">
              <Radio className="h-4 w-4" aria-hidden="true" />
              Live view
            </ButtonLink>
            <ButtonLink href={resultsPath(params)} variant="secondary" size="sm">
              <TableProperties className="h-4 w-4" aria-hidden="true" />
              Results
            </ButtonLink>
          </>
        }
      />
      <AuditTrail
        source={`execution:${executionId}`}
        load={load}
        csvUrl={csvUrl}
        label="Activity"
        emptyText="Nothing has been done to this run yet."
      />
    </>
  );
}
