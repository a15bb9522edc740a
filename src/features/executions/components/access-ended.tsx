"use client";

import { usePathname } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { signInPath } from "@/lib/client/sign-in-paths";

/**
 * The live stream stopped because the caller may no longer watch (signed out elsewhere, token revoked, removed from
 * the project): nothing will update until they sign in again, and this page is where signing in brings them back.
 * A plain link: signing in starts a new page, with nothing remembered of who was signed in before.
 */
export function AccessEnded() {
  const pathname = usePathname();
  return (
    <div data-testid="access-ended">
      <Alert tone="danger">
        Your access to this run ended —{" "}
        <a href={signInPath(pathname)} className="font-medium underline hover:no-underline">
          sign in again
        </a>
      </Alert>
    </div>
  );
}
