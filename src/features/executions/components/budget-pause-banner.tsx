import { Alert } from "@/components/ui/alert";
import { budgetPauseTitle } from "../lib/spend";

/**
 * The run paused itself at its spend cap. `resumable` where the page has the Resume control (the live view);
 * elsewhere the banner says where it is. A viewer, who cannot resume, is told who can.
 */
export function BudgetPauseBanner({
  capUsd,
  spentUsd,
  resumable,
  canSteer = true,
}: {
  capUsd: number | null;
  spentUsd: number;
  resumable: boolean;
  canSteer?: boolean;
}) {
  return (
    <div data-testid="budget-banner">
      <Alert tone="warning" title={budgetPauseTitle(capUsd, spentUsd)}>
        Running jobs finish; no new job starts.{" "}
        {!canSteer
          ? "An operator of this project can resume it, raising the cap or lifting it."
          : resumable
            ? "Resume to raise the cap or lift it."
            : "Open the live view and resume there to raise the cap or lift it."}
      </Alert>
    </div>
  );
}
