import { Alert } from "@/components/ui/alert";
import { budgetPauseTitle } from "../lib/spend";

/**
 * The run paused itself at its spend cap. `resumable` where the page has the Resume control (the live view);
 * elsewhere the banner says where it is.
 */
export function BudgetPauseBanner({
  capUsd,
  spentUsd,
  resumable,
}: {
  capUsd: number | null;
  spentUsd: number;
  resumable: boolean;
}) {
  return (
    <div data-testid="budget-banner">
      <Alert tone="warning" title={budgetPauseTitle(capUsd, spentUsd)}>
        Running jobs finish; no new job starts.{" "}
        {resumable
          ? "Resume to raise the cap or lift it."
          : "Open the live view and resume there to raise the cap or lift it."}
      </Alert>
    </div>
  );
}
