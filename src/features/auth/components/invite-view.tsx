"use client";

import { LinkIcon } from "lucide-react";
import { type FormEvent, useRef, useState } from "react";
import { LoadError } from "@/components/app/load-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ButtonLink } from "@/components/ui/button-link";
import { TextField } from "@/components/ui/field";
import { LoadingBlock } from "@/components/ui/skeleton";
import { acceptInvite, getInvite, type InviteDetails, logout } from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { projectPath, projectsPath } from "@/lib/client/paths";
import { invitePath, signInPath } from "@/lib/client/sign-in-paths";
import { useApiResource } from "@/lib/client/use-api-resource";
import { useMe } from "@/lib/client/use-me";
import type { User } from "@/lib/contract/auth";
import { inviteHeadline, MIN_PASSWORD_CHARS, type NewAccountProblems, newAccountProblems } from "../lib/invite";
import { AccountsOff } from "./accounts-off";
import { AuthCard } from "./auth-card";

/**
 * Where a taken invite leads: the project joined, or the projects for the first admin. A new page load, so the
 * header and every hook start from the signed-in person.
 */
function goAfterAccepting(projectId: string | null) {
  window.location.assign(projectId ? projectPath(projectId) : projectsPath);
}

/**
 * An invite link: what it is for, then the way to take it. Signed out, the person creates their account (name,
 * password, and an email when the link names none); signed in, they join with one button; when an account with the
 * invite's email exists already, they sign in first and come back.
 */
export function InviteView({ token }: { token: string }) {
  const { me, error: meError } = useMe();
  const invite = useApiResource(`invite:${token}`, () => getInvite(token).then((r) => r.invite));

  if (invite.loading || (!me && !meError)) {
    return (
      <AuthCard title="Invitation">
        <LoadingBlock label="Loading the invitation…" lines={2} />
      </AuthCard>
    );
  }
  if (me?.mode === "local") {
    return (
      <AuthCard title="No invitation needed">
        <AccountsOff />
      </AuthCard>
    );
  }
  if (invite.error?.status === 404) {
    return (
      <AuthCard title="This invitation link no longer works">
        <div className="flex gap-3 text-sm text-slate-700">
          <LinkIcon className="mt-0.5 h-4 w-4 shrink-0 text-slate-500" aria-hidden="true" />
          <p>
            It has been used already, or it has expired. Ask the person who invited you for a new link.
            {me?.user ? " You are signed in, so you can carry on where you are." : ""}
          </p>
        </div>
        <ButtonLink href={me?.user ? projectsPath : signInPath(null)} variant="secondary">
          {me?.user ? "Go to Projects" : "Sign in"}
        </ButtonLink>
      </AuthCard>
    );
  }
  if (invite.error || !invite.data) {
    return (
      <AuthCard title="Invitation">
        <LoadError
          title="Could not load the invitation"
          message={invite.error?.message ?? "The server gave no answer."}
          onRetry={invite.reload}
        />
      </AuthCard>
    );
  }

  const details = invite.data;
  const signedIn = me?.user ?? null;
  return (
    <AuthCard title={inviteHeadline(details)} description={describeFor(details)}>
      {signedIn ? (
        <JoinAsSignedIn token={token} invite={details} user={signedIn} />
      ) : details.accountExists ? (
        <div className="space-y-4">
          <Alert tone="info" title="Sign in first">
            {details.email} has an account already. Sign in, and you come back here to join.
          </Alert>
          <ButtonLink href={signInPath(invitePath(token))} className="w-full">
            Sign in
          </ButtonLink>
        </div>
      ) : (
        <NewAccountForm token={token} invite={details} />
      )}
    </AuthCard>
  );
}

function describeFor(invite: InviteDetails) {
  if (invite.siteAdmin) return "This link makes the site's first administrator. It works once.";
  return invite.email ? `The invitation is for ${invite.email}.` : undefined;
}

/** A signed-in person takes the invite with one button, unless it names someone else's email. */
export function JoinAsSignedIn({ token, invite, user }: { token: string; invite: InviteDetails; user: User }) {
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const otherPerson = invite.email !== null && invite.email !== user.email.toLowerCase();

  async function join() {
    setSending(true);
    setError(null);
    try {
      const { projectId } = await acceptInvite(token);
      goAfterAccepting(projectId);
    } catch (e) {
      setError(toApiError(e).message);
      setSending(false);
    }
  }

  async function signOut() {
    setSigningOut(true);
    try {
      await logout();
      window.location.reload();
    } catch (e) {
      setError(toApiError(e).message);
      setSigningOut(false);
    }
  }

  if (otherPerson) {
    return (
      <div className="space-y-4">
        <Alert tone="warning" title="This invitation is for someone else">
          It is for {invite.email}; you are signed in as {user.email}. Sign out, then open the link again.
        </Alert>
        {error && <Alert tone="danger">{error}</Alert>}
        <Button variant="secondary" onClick={() => void signOut()} loading={signingOut} className="w-full">
          Sign out
        </Button>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        You are signed in as {user.name} ({user.email}).
      </p>
      {error && <Alert tone="danger">{error}</Alert>}
      <Button onClick={() => void join()} loading={sending} className="w-full">
        Join
      </Button>
    </div>
  );
}

/** A signed-out person creates their account with the invite, and is signed in by it. */
export function NewAccountForm({ token, invite }: { token: string; invite: InviteDetails }) {
  const needsEmail = invite.email === null;
  const [form, setForm] = useState({ name: "", password: "", email: "" });
  const [problems, setProblems] = useState<NewAccountProblems>({});
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const busy = useRef(false);
  const set = (field: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [field]: e.target.value }));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy.current) return;
    const found = newAccountProblems(form, needsEmail);
    setProblems(found);
    if (Object.keys(found).length) return;
    busy.current = true;
    setSending(true);
    setError(null);
    try {
      const { projectId } = await acceptInvite(token, {
        name: form.name.trim(),
        password: form.password,
        ...(needsEmail ? { email: form.email.trim() } : {}),
      });
      goAfterAccepting(projectId);
    } catch (e) {
      setError(toApiError(e).message);
      busy.current = false;
      setSending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create your account" className="space-y-4">
      {error && <Alert tone="danger">{error}</Alert>}
      {needsEmail ? (
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          maxLength={254}
          value={form.email}
          onChange={set("email")}
          error={problems.email}
        />
      ) : (
        // Shown, not asked: the invite names it, and password managers file the new password under it.
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          value={invite.email ?? ""}
          readOnly
        />
      )}
      <TextField
        label="Name"
        name="name"
        autoComplete="name"
        maxLength={100}
        value={form.name}
        onChange={set("name")}
        error={problems.name}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        maxLength={200}
        hint={`At least ${MIN_PASSWORD_CHARS} characters.`}
        value={form.password}
        onChange={set("password")}
        error={problems.password}
      />
      <Button type="submit" loading={sending} className="w-full">
        Create account
      </Button>
    </form>
  );
}
