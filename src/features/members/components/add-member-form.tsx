"use client";

import { UserPlus } from "lucide-react";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { PROJECT_ROLES, type ProjectRole, ROLE_ABILITIES } from "@/lib/contract/auth";
import type { MembersState } from "../hooks/use-members";
import { InviteLink } from "./invite-link";

export const ROLE_LABELS: Record<ProjectRole, string> = { viewer: "Viewer", operator: "Operator", admin: "Admin" };

/** A plain check before asking the server, which has the last word (addMemberSchema). */
const looksLikeEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());

/**
 * "Add member": an email and a role. Someone with an account gets the role at once; anyone else gets a one-time
 * invite link, shown here once for the admin to send.
 */
export function AddMemberForm({ members }: { members: MembersState }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<ProjectRole>("viewer");
  const [invalid, setInvalid] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const [invite, setInvite] = useState<{ email: string | null; url: string } | null>(null);
  const sending = members.pending === "add";
  const refusal = members.error?.what === "add" ? members.error.message : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (members.pending) return;
    if (!looksLikeEmail(email)) {
      setInvalid("Enter an email address, like name@example.com.");
      return;
    }
    setInvalid(null);
    setAdded(null);
    setInvite(null);
    const result = await members.add(email.trim(), role);
    if (!result) return;
    if (result.invite) setInvite({ email: result.invite.email, url: result.invite.url });
    else setAdded(`${result.member.user.name} (${result.member.user.email}) is now ${aRole(result.member.role)}.`);
    setEmail("");
  }

  return (
    <Card>
      <CardHeader>
        <h2 className="text-base font-semibold text-slate-900">Add member</h2>
      </CardHeader>
      <CardBody className="space-y-4">
        <form
          onSubmit={submit}
          noValidate
          aria-label="Add member"
          className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start"
        >
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="off"
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              setInvalid(null);
            }}
            error={invalid}
            placeholder="name@example.com"
            maxLength={254}
            disabled={sending}
          />
          <div>
            <SelectField
              label="Role"
              name="role"
              value={role}
              onChange={(e) => setRole(e.target.value as ProjectRole)}
              aria-describedby="add-member-role-hint"
              disabled={sending}
            >
              {PROJECT_ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </SelectField>
            <p id="add-member-role-hint" className="mt-1 text-xs text-slate-500">
              Can {ROLE_ABILITIES[role]}.
            </p>
          </div>
          <Button type="submit" loading={sending} className="sm:mt-6">
            {!sending && <UserPlus className="h-4 w-4" aria-hidden="true" />}
            Add member
          </Button>
        </form>
        {refusal && <Alert tone="danger">{refusal}</Alert>}
        {added && <Alert tone="success">{added}</Alert>}
        {invite && <InviteLink email={invite.email} url={invite.url} onDone={() => setInvite(null)} />}
      </CardBody>
    </Card>
  );
}

function aRole(role: ProjectRole): string {
  return role === "admin" || role === "operator" ? `an ${role}` : `a ${role}`;
}
