import type { Metadata } from "next";
import { NewBatchView } from "@/features/batches/components/new-batch-view";

export const metadata: Metadata = { title: "New batch" };

export default async function NewBatchPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <NewBatchView projectId={id} />;
}
