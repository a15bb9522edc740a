import type { Metadata } from "next";
import { JobDetailView } from "@/features/executions/components/job-detail-view";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({
  params,
}: {
  params: Promise<{ id: string; batchId: string; executionId: string; jobId: string }>;
}) {
  const { id, batchId, executionId, jobId } = await params;
  return <JobDetailView projectId={id} batchId={batchId} executionId={executionId} jobId={jobId} />;
}
