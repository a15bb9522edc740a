"use client";

import { LogOut } from "lucide-react";
import { useState } from "react";
import { LoadError } from "@/components/app/load-error";
import { PageHeader } from "@/components/app/page-header";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ButtonLink } from "@/components/ui/button-link";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { LoadingBlock } from "@/components/ui/skeleton";
import { logout, logoutEverywhere } from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { accountPath, loginPath, signInPath } from "@/lib/client/sign-in-paths";
import { useMe } from "@/lib/client/use-me";
import type { Me, User } from "@/lib/contract/auth";
import { AccountsOff } from "./accounts-off";
import { TokensPanel } from "./tokens-panel";

/** The signed-in person: who they are, signing out (here or everywhere), and their API tokens. */
export function AccountView() {
  const { me, error } = useMe();
  return (
    <>
      <PageHeader title="Account" description="Who you are to fleetdeck, and your API tokens." />
      {error ? (
        <LoadError
          title="Could not load your account"
          message={error.message}
          onRetry={() => window.location.reload()}
        />
      ) : !me ? (
        <LoadingBlock label="Loading your account…" lines={2} />
      ) : me.mode === "local" ? (
        <Card>
          <CardBody>
            <AccountsOff>
              <p>API tokens are managed here when fleetdeck runs with accounts on and you are signed in.</p>
            </AccountsOff>
          </CardBody>
        </Card>
      ) : me.user ? (
        <SignedIn me={me} user={me.user} />
      ) : (
        <Alert
          tone="info"
          title="You are signed out"
          action={<ButtonLink href={signInPath(accountPath)}>Sign in</ButtonLink>}
        >
          Sign in to see your account and API tokens.
        </Alert>
      )}
    </>
  );
}

function SignedIn({ me, user }: { me: Me; user: User }) {
  return (
    <div className="space-y-8">
      <Card>
        <CardHeader>
          <h2 className="text-base font-semibold text-slate-900">You</h2>
        </CardHeader>
        <CardBody className="space-y-4">
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[8rem_1fr]">
            <dt className="text-slate-600">Name</dt>
            <dd className="font-medium text-slate-900" data-testid="account-name">
              {user.name}
              {user.isAdmin && (
                <Badge tone="info" className="ml-2">
                  Site admin
                </Badge>
              )}
            </dd>
            <dt className="text-slate-600">Email</dt>
            <dd className="text-slate-900" data-testid="account-email">
              {user.email}
            </dd>
          </dl>
          {me.via === "session" && <SignOutButtons />}
        </CardBody>
      </Card>
      {me.via === "session" ? (
        <TokensPanel />
      ) : (
        <Alert tone="info" title="API tokens">
          This request came with an API token. Tokens are managed here when you sign in to fleetdeck in the browser with
          your email and password (or single sign-on).
        </Alert>
      )}
    </div>
  );
}

function SignOutButtons() {
  const [busy, setBusy] = useState<"here" | "everywhere" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function signOut(where: "here" | "everywhere") {
    setBusy(where);
    setError(null);
    try {
      if (where === "here") await logout();
      else await logoutEverywhere();
      window.location.assign(loginPath);
    } catch (e) {
      setError(toApiError(e).message);
      setBusy(null);
    }
  }

  return (
    <div className="space-y-3 border-t border-slate-100 pt-4">
      {error && <Alert tone="danger">{error}</Alert>}
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" onClick={() => void signOut("here")} loading={busy === "here"} disabled={!!busy}>
          <LogOut className="h-4 w-4" aria-hidden="true" />
          Sign out
        </Button>
        <Button
          variant="secondary"
          onClick={() => void signOut("everywhere")}
          loading={busy === "everywhere"}
          disabled={!!busy}
        >
          Sign out everywhere
        </Button>
      </div>
      <p className="text-xs text-slate-500">
        Sign out everywhere ends every browser&apos;s session, this one too, and closes their live views. API tokens
        keep working until you revoke them.
      </p>
    </div>
  );
}
