import type { Metadata } from "next";
import { AuditView } from "@/features/audit/components/audit-view";

export const metadata: Metadata = { title: "Audit trail" };

export default async function AuditPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AuditView projectId={id} />;
}
