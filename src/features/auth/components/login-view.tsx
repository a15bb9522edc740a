"use client";

import { KeyRound } from "lucide-react";
import { type FormEvent, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ButtonLink } from "@/components/ui/button-link";
import { TextField } from "@/components/ui/field";
import { LoadingBlock } from "@/components/ui/skeleton";
import { login } from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { safeNextPath, ssoStartPath } from "@/lib/client/sign-in-paths";
import { useMe } from "@/lib/client/use-me";
import { type SignInProblems, signInErrorMessage, signInProblems } from "../lib/sign-in";
import { AccountsOff } from "./accounts-off";
import { AuthCard } from "./auth-card";

/** A failed single sign-on comes back as ?error=<message>; a link anyone can craft shows no essay. */
const MAX_SSO_ERROR_CHARS = 300;

/**
 * The sign-in page: email and password, single sign-on when the server has it, and afterwards the page that sent
 * the person here (`next`, when it is on this site). In local mode there is nothing to sign in to.
 */
export function LoginView({ next, ssoError }: { next: string | null; ssoError: string | null }) {
  const { me, error: meError } = useMe();
  const back = safeNextPath(next);

  if (!me && !meError) {
    return (
      <AuthCard title="Sign in to fleetdeck">
        <LoadingBlock label="Loading…" lines={2} />
      </AuthCard>
    );
  }
  if (me?.mode === "local") {
    return (
      <AuthCard title="No sign-in needed">
        <AccountsOff />
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Sign in to fleetdeck">
      {ssoError && (
        <Alert tone="danger" title="Single sign-on did not work">
          {ssoError.slice(0, MAX_SSO_ERROR_CHARS)}
        </Alert>
      )}
      {me?.user && (
        <Alert
          tone="info"
          action={
            <ButtonLink href={back} variant="secondary" size="sm">
              Continue
            </ButtonLink>
          }
        >
          You are signed in as {me.user.name} ({me.user.email}).
        </Alert>
      )}
      <SignInForm next={back} />
      {me?.sso && (
        <>
          <div className="flex items-center gap-3 text-xs text-slate-500" aria-hidden="true">
            <span className="h-px flex-1 bg-slate-200" />
            or
            <span className="h-px flex-1 bg-slate-200" />
          </div>
          {/* A plain link: the server answers with a redirect to the identity provider, not a page of ours. */}
          <a
            href={ssoStartPath(back)}
            className="inline-flex h-10 w-full items-center justify-center gap-2 rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-800 transition-colors hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-500"
          >
            <KeyRound className="h-4 w-4" aria-hidden="true" />
            Sign in with single sign-on
          </a>
        </>
      )}
    </AuthCard>
  );
}

/** Email and password; once signed in, a new page load at `next` (already checked to be on this site). */
export function SignInForm({ next }: { next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [problems, setProblems] = useState<SignInProblems>({});
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const busy = useRef(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy.current) return;
    const found = signInProblems(email, password);
    setProblems(found);
    if (found.email || found.password) return;
    busy.current = true;
    setSending(true);
    setError(null);
    try {
      await login({ email: email.trim(), password });
      // A new page, not a client-side hop: the header and every hook then start from the signed-in person.
      window.location.assign(next);
    } catch (e) {
      setError(signInErrorMessage(toApiError(e)));
      setPassword("");
      busy.current = false;
      setSending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Sign in" className="space-y-4">
      {error && <Alert tone="danger">{error}</Alert>}
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        autoFocus
        maxLength={254}
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={problems.email}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        maxLength={200}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={problems.password}
      />
      <Button type="submit" loading={sending} className="w-full">
        Sign in
      </Button>
    </form>
  );
}
