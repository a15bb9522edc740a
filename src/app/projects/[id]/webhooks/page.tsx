import type { Metadata } from "next";
import { WebhooksView } from "@/features/webhooks/components/webhooks-view";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <WebhooksView projectId={id} />;
}
