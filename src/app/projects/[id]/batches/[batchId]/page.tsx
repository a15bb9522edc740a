import type { Metadata } from "next";
import { BatchView } from "@/features/batches/components/batch-view";

export const metadata: Metadata = { title: "Batch" };

export default async function BatchPage({ params }: { params: Promise<{ id: string; batchId: string }> }) {
  const { id, batchId } = await params;
  return <BatchView projectId={id} batchId={batchId} />;
}
