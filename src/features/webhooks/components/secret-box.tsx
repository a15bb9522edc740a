"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyOnceField } from "@/components/ui/copy-once-field";
import type { ShownSecret } from "../hooks/use-webhooks";

/** A webhook's signing secret, shown once (created or rotated): a read-only box and a copy button. */
export function SecretBox({ shown, onDone }: { shown: ShownSecret; onDone: () => void }) {
  return (
    <div data-testid="webhook-secret">
      <Alert
        tone="success"
        title={`The signing secret of ${shown.url}`}
        action={
          <Button size="sm" variant="ghost" onClick={onDone}>
            Done
          </Button>
        }
      >
        <CopyOnceField
          label="Signing secret"
          value={shown.secret}
          copyLabel="Copy secret"
          what="the secret"
          hint="It is not shown again: copy it now. Your receiver checks each delivery's fleetdeck-signature with it."
        />
      </Alert>
    </div>
  );
}
