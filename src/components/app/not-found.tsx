import { SearchX } from "lucide-react";
import { ButtonLink } from "@/components/ui/button-link";
import { EmptyState } from "@/components/ui/empty-state";
import { projectsPath } from "@/lib/client/paths";

/** Shown when the id in the address does not exist (a 404 from the API). */
export function NotFound({
  what,
  backHref = projectsPath,
  backLabel = "Back to projects",
}: {
  what: string;
  backHref?: string;
  backLabel?: string;
}) {
  return (
    <>
      <h1 className="mb-6 text-2xl font-semibold tracking-tight text-slate-900">Not found</h1>
      <EmptyState
        icon={SearchX}
        title={`This ${what} does not exist`}
        action={
          <ButtonLink href={backHref} variant="secondary">
            {backLabel}
          </ButtonLink>
        }
      >
        It may have been deleted, or the address is mistyped.
      </EmptyState>
    </>
  );
}
