import type { Metadata } from "next";
import { PageHeader } from "@/components/app/page-header";
import { WorkersView } from "@/features/workers/components/workers-view";

export const metadata: Metadata = { title: "Workers" };

export default function WorkersPage() {
  return (
    <>
      <PageHeader
        title="Workers"
        description="The processes that run jobs, with their last heartbeat. This page refreshes every few seconds."
      />
      <WorkersView />
    </>
  );
}
