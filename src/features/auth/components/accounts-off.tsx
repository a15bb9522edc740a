import { ButtonLink } from "@/components/ui/button-link";
import { projectsPath } from "@/lib/client/paths";

/** Local mode: nobody signs in, and the one person may do everything. */
export function AccountsOff({ children }: { children?: React.ReactNode }) {
  return (
    <div className="space-y-4 text-sm text-slate-700">
      <p>
        Accounts are off: fleetdeck runs in local mode, where there is no sign-in and you can do everything. A server
        shared by a team turns them on with <code className="rounded bg-slate-100 px-1 py-0.5">AUTH=on</code>.
      </p>
      {children}
      <ButtonLink href={projectsPath}>Go to Projects</ButtonLink>
    </div>
  );
}
