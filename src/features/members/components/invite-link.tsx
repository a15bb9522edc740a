"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyOnceField } from "@/components/ui/copy-once-field";

/**
 * An invite's one-time link, shown once (the server keeps only its hash): a read-only box to copy it from, and where
 * copying is not allowed (a page served over plain http to another machine), the text selected for Ctrl+C.
 */
export function InviteLink({ email, url, onDone }: { email: string | null; url: string; onDone: () => void }) {
  return (
    <div data-testid="invite-link">
      <Alert
        tone="success"
        title={`Send this link to ${email ?? "the person you invite"}; it works once, for 7 days`}
        action={
          <Button size="sm" variant="ghost" onClick={onDone}>
            Done
          </Button>
        }
      >
        <CopyOnceField
          label="Invite link"
          value={url}
          copyLabel="Copy link"
          what="the link"
          hint="It is not shown again: copy it now. Opening it, they choose a name and password and join this project."
        />
      </Alert>
    </div>
  );
}
