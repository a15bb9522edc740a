import type { Metadata } from "next";
import { LiveExecutionView } from "@/features/executions/components/live-execution-view";

export const metadata: Metadata = { title: "Live execution" };

export default async function LiveExecutionPage({
  params,
}: {
  params: Promise<{ id: string; batchId: string; executionId: string }>;
}) {
  const { id, batchId, executionId } = await params;
  return <LiveExecutionView projectId={id} batchId={batchId} executionId={executionId} />;
}
