import type { Metadata } from "next";
import { ResultsView } from "@/features/executions/components/results-view";

export const metadata: Metadata = { title: "Results" };

export default async function ExecutionResultsPage({
  params,
}: {
  params: Promise<{ id: string; batchId: string; executionId: string }>;
}) {
  const { id, batchId, executionId } = await params;
  return <ResultsView projectId={id} batchId={batchId} executionId={executionId} />;
}
