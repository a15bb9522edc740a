"use client";

import { ChevronRight, FolderOpen } from "lucide-react";
import Link from "next/link";
import { LoadError } from "@/components/app/load-error";
import { Card, CardBody } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingBlock } from "@/components/ui/skeleton";
import { projectPath } from "@/lib/client/paths";
import { formatDate } from "@/lib/format";
import { useProjects } from "../hooks/use-projects";
import { CreateProjectForm } from "./create-project-form";

/** The home page below its heading: create a project, then the list of projects. */
export function ProjectsView() {
  const { data: projects, error, loading, reload } = useProjects();
  return (
    <div className="space-y-8">
      <Card>
        <CardBody>
          <CreateProjectForm />
        </CardBody>
      </Card>

      <section aria-labelledby="project-list-title" className="space-y-3">
        <h2 id="project-list-title" className="text-base font-semibold text-slate-900">
          Your projects
        </h2>
        {loading ? (
          <LoadingBlock label="Loading projects…" />
        ) : error ? (
          <LoadError title="Could not load the projects" message={error.message} onRetry={reload} />
        ) : !projects?.length ? (
          <EmptyState icon={FolderOpen} title="No projects yet">
            A project holds your CSV batches and their runs. Name your first one above.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
            {projects.map((project) => (
              <li key={project.id}>
                <Link
                  href={projectPath(project.id)}
                  className="group flex items-center gap-3 px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600"
                >
                  <span
                    className="flex h-9 w-9 shrink-0 items-center justify-center rounded-md bg-indigo-50 text-sm font-semibold text-indigo-700"
                    aria-hidden="true"
                  >
                    {project.name.trim().charAt(0).toUpperCase() || "P"}
                  </span>
                  <span className="min-w-0 flex-1">
                    <span className="block truncate font-medium text-slate-900">{project.name}</span>
                    <span className="block text-xs text-slate-600">Created {formatDate(project.createdAt)}</span>
                  </span>
                  <ChevronRight className="h-4 w-4 text-slate-400 group-hover:text-slate-600" aria-hidden="true" />
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
