import type { Metadata } from "next";
import { PageHeader } from "@/components/app/page-header";
import { ProjectsView } from "@/features/projects/components/projects-view";

export const metadata: Metadata = { title: "Projects" };

export default function ProjectsPage() {
  return (
    <>
      <PageHeader
        title="Projects"
        description="Upload CSVs of web pages, run agents on them, and watch the work live."
      />
      <ProjectsView />
    </>
  );
}
