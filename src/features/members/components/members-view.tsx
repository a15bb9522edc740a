"use client";

import type { ReactNode } from "react";
import { Breadcrumbs } from "@/components/app/breadcrumbs";
import { LoadError } from "@/components/app/load-error";
import { NotFound } from "@/components/app/not-found";
import { PageHeader } from "@/components/app/page-header";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { LoadingBlock, Skeleton } from "@/components/ui/skeleton";
import { projectPath, projectsPath } from "@/lib/client/paths";
import { canManage } from "@/lib/client/permissions";
import { useMe } from "@/lib/client/use-me";
import { useMembers, useMembersProject } from "../hooks/use-members";
import { AddMemberForm } from "./add-member-form";
import { InvitesTable, MembersTable } from "./members-table";

/** Members of a project (admins): who has which role, open invites, and adding someone by email. */
export function MembersView({ projectId }: { projectId: string }) {
  const project = useMembersProject(projectId);
  const { me, error: meError } = useMe();
  const accounts = me?.mode === "accounts";
  const admin = canManage(project.data?.role);
  const members = useMembers(projectId, accounts && admin);

  if (project.error?.status === 404) return <NotFound what="project" />;

  const crumbs = (
    <Breadcrumbs
      items={[
        { label: "Projects", href: projectsPath },
        { label: project.data?.name ?? "Project", href: projectPath(projectId) },
        { label: "Members" },
      ]}
    />
  );
  const header = (
    <PageHeader
      title="Members"
      description={
        project.data ? (
          <>
            Who can watch and steer the runs of <span className="font-medium text-slate-800">{project.data.name}</span>.
          </>
        ) : (
          <Skeleton className="h-4 w-64" />
        )
      }
    />
  );

  let body: ReactNode;
  if (project.error) {
    body = <LoadError title="Could not load the project" message={project.error.message} onRetry={project.reload} />;
  } else if (meError) {
    body = (
      <Alert tone="danger" title="Could not tell whether accounts are on">
        {meError.message}
      </Alert>
    );
  } else if (!me || !project.data) {
    body = <LoadingBlock label="Loading the members…" />;
  } else if (!accounts) {
    body = (
      <div data-testid="accounts-off">
        <Alert tone="info" title="Accounts are off">
          fleetdeck is running in local mode: nobody signs in, and whoever opens it can do everything. Start it with
          AUTH=on to invite people and give them roles (README “Teams”).
        </Alert>
      </div>
    );
  } else if (!admin) {
    body = <Alert tone="warning" title="Only admins of this project manage its members" />;
  } else {
    const tableError = members.error && members.error.what !== "add" ? members.error.message : null;
    body = (
      <div className="space-y-8">
        <AddMemberForm members={members} />
        {tableError && (
          <Alert
            tone="danger"
            action={
              <Button size="sm" variant="ghost" onClick={members.clearError}>
                Dismiss
              </Button>
            }
          >
            {tableError}
          </Alert>
        )}
        <section aria-labelledby="members-title" className="space-y-3">
          <h2 id="members-title" className="text-base font-semibold text-slate-900">
            Members
          </h2>
          {members.loadError && !members.data ? (
            <LoadError
              title="Could not load the members"
              message={members.loadError.message}
              onRetry={members.reload}
            />
          ) : members.loading ? (
            <LoadingBlock label="Loading the members…" lines={2} />
          ) : members.data ? (
            <MembersTable rows={members.data.members} members={members} myId={me.user?.id ?? null} />
          ) : null}
        </section>
        <section aria-labelledby="invites-title" className="space-y-3">
          <h2 id="invites-title" className="text-base font-semibold text-slate-900">
            Open invites
          </h2>
          {members.data && members.data.invites.length === 0 ? (
            <p className="text-sm text-slate-600">
              No open invites. An invite link stops working once used, after 7 days, or when cancelled.
            </p>
          ) : members.data ? (
            <InvitesTable rows={members.data.invites} members={members} />
          ) : null}
        </section>
      </div>
    );
  }

  return (
    <>
      {crumbs}
      {header}
      {body}
    </>
  );
}
