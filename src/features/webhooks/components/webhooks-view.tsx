"use client";

import type { ReactNode } from "react";
import { Breadcrumbs } from "@/components/app/breadcrumbs";
import { LoadError } from "@/components/app/load-error";
import { NotFound } from "@/components/app/not-found";
import { PageHeader } from "@/components/app/page-header";
import { Alert } from "@/components/ui/alert";
import { LoadingBlock, Skeleton } from "@/components/ui/skeleton";
import { getProject } from "@/lib/client/endpoints";
import { projectPath, projectsPath } from "@/lib/client/paths";
import { canManage } from "@/lib/client/permissions";
import { useApiResource } from "@/lib/client/use-api-resource";
import { MAX_WEBHOOKS_PER_PROJECT } from "@/lib/contract/webhooks";
import { useWebhooks } from "../hooks/use-webhooks";
import { AddWebhookForm } from "./add-webhook-form";
import { SecretBox } from "./secret-box";
import { WebhookCard } from "./webhook-card";

/** A project's webhooks (admins): add one (its secret shown once), steer each, and read its delivery log. */
export function WebhooksView({ projectId }: { projectId: string }) {
  const project = useApiResource(`project:${projectId}`, () => getProject(projectId).then((r) => r.project));
  const admin = canManage(project.data?.role);
  const webhooks = useWebhooks(projectId, admin);

  if (project.error?.status === 404) return <NotFound what="project" />;

  let body: ReactNode;
  if (project.error) {
    body = <LoadError title="Could not load the project" message={project.error.message} onRetry={project.reload} />;
  } else if (!project.data) {
    body = <LoadingBlock label="Loading the webhooks…" />;
  } else if (!admin) {
    body = <Alert tone="warning" title="Only admins of this project manage its webhooks" />;
  } else {
    const list = webhooks.data;
    body = (
      <div className="space-y-6">
        {webhooks.secret && <SecretBox shown={webhooks.secret} onDone={webhooks.dismissSecret} />}
        {list && list.length >= MAX_WEBHOOKS_PER_PROJECT ? (
          <Alert tone="info">
            A project has at most {MAX_WEBHOOKS_PER_PROJECT} webhooks: delete one to add another.
          </Alert>
        ) : (
          <AddWebhookForm webhooks={webhooks} />
        )}
        {webhooks.loadError && !list ? (
          <LoadError
            title="Could not load the webhooks"
            message={webhooks.loadError.message}
            onRetry={webhooks.reload}
          />
        ) : !list ? (
          <LoadingBlock label="Loading the webhooks…" lines={2} />
        ) : list.length === 0 ? (
          <p className="text-sm text-slate-600">No webhooks yet.</p>
        ) : (
          list.map((webhook) => (
            <WebhookCard key={webhook.id} projectId={projectId} webhook={webhook} webhooks={webhooks} />
          ))
        )}
      </div>
    );
  }

  return (
    <>
      <Breadcrumbs
        items={[
          { label: "Projects", href: projectsPath },
          { label: project.data?.name ?? "Project", href: projectPath(projectId) },
          { label: "Webhooks" },
        ]}
      />
      <PageHeader
        title="Webhooks"
        description={
          project.data ? (
            <>
              Hear when a run of <span className="font-medium text-slate-800">{project.data.name}</span> completes,
              stops or pauses itself: a signed POST to each URL, retried for hours until it answers 2xx.
            </>
          ) : (
            <Skeleton className="h-4 w-64" />
          )
        }
      />
      {body}
    </>
  );
}
