import type { Metadata } from "next";
import { InviteView } from "@/features/auth/components/invite-view";

export const metadata: Metadata = { title: "Invitation" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <InviteView token={token} />;
}
