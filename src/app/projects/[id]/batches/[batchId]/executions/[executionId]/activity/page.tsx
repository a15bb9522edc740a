import type { Metadata } from "next";
import { ActivityView } from "@/features/audit/components/activity-view";

export const metadata: Metadata = { title: "Activity" };

export default async function ExecutionActivityPage({
  params,
}: {
  params: Promise<{ id: string; batchId: string; executionId: string }>;
}) {
  const { id, batchId, executionId } = await params;
  return <ActivityView projectId={id} batchId={batchId} executionId={executionId} />;
}
