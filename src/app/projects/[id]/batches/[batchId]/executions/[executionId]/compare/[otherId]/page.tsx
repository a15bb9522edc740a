import type { Metadata } from "next";
import { CompareView } from "@/features/compare/components/compare-view";

export const metadata: Metadata = { title: "Compare runs" };

export default async function CompareExecutionsPage({
  params,
}: {
  params: Promise<{ id: string; batchId: string; executionId: string; otherId: string }>;
}) {
  const { id, batchId, executionId, otherId } = await params;
  return <CompareView projectId={id} batchId={batchId} executionId={executionId} otherId={otherId} />;
}
