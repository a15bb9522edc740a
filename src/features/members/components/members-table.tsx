"use client";

import { Trash2, X } from "lucide-react";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Table, TBody, TD, TH, THead } from "@/components/ui/table";
import { type Member, type PendingInvite, PROJECT_ROLES, type ProjectRole } from "@/lib/contract/auth";
import { formatDate, formatDateTime } from "@/lib/format";
import type { MembersState } from "../hooks/use-members";
import { ROLE_LABELS } from "./add-member-form";

const selectClass =
  "block rounded-md border border-slate-300 bg-white px-2 py-1 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 disabled:bg-slate-100";

/** The members: name, email, a role select that changes it at once, and Remove (after a confirmation). */
export function MembersTable({
  rows,
  members,
  myId,
}: {
  rows: Member[];
  members: MembersState;
  /** The signed-in person, marked "you". */
  myId: string | null;
}) {
  const [removing, setRemoving] = useState<Member | null>(null);
  return (
    <>
      <Table label="Members">
        <THead>
          <tr>
            <TH>Name</TH>
            <TH>Email</TH>
            <TH>Role</TH>
            <TH>Member since</TH>
            <TH>
              <span className="sr-only">Actions</span>
            </TH>
          </tr>
        </THead>
        <TBody>
          {rows.map((m) => (
            <tr key={m.user.id} data-testid="member-row">
              <TD className="font-medium text-slate-900">
                {m.user.name}
                {m.user.id === myId && (
                  <Badge tone="neutral" className="ml-2">
                    you
                  </Badge>
                )}
              </TD>
              <TD className="break-all">{m.user.email}</TD>
              <TD>
                <RoleSelect member={m} members={members} />
              </TD>
              <TD className="whitespace-nowrap">{formatDate(m.createdAt)}</TD>
              <TD className="text-right">
                <Button
                  size="sm"
                  variant="ghost"
                  className="text-red-700 hover:bg-red-50"
                  aria-label={`Remove ${m.user.name}`}
                  disabled={members.pending !== null}
                  loading={members.pending === `remove:${m.user.id}`}
                  onClick={() => {
                    members.clearError();
                    setRemoving(m);
                  }}
                >
                  {members.pending !== `remove:${m.user.id}` && <Trash2 className="h-4 w-4" aria-hidden="true" />}
                  Remove
                </Button>
              </TD>
            </tr>
          ))}
        </TBody>
      </Table>
      {removing && (
        <Dialog
          open
          onOpenChange={(open) => !open && setRemoving(null)}
          title={`Remove ${removing.user.name} from this project?`}
          description="They lose access to its runs at once, open live views included. You can add them again later."
        >
          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="secondary" onClick={() => setRemoving(null)}>
              Keep
            </Button>
            <Button
              variant="danger"
              onClick={() => {
                const userId = removing.user.id;
                setRemoving(null);
                void members.remove(userId);
              }}
            >
              Remove
            </Button>
          </div>
        </Dialog>
      )}
    </>
  );
}

/** The member's role; a choice shows at once and is sent, and the list as the server has it then replaces it. */
function RoleSelect({ member, members }: { member: Member; members: MembersState }) {
  const [chosen, setChosen] = useState<ProjectRole | null>(null);
  return (
    <select
      aria-label={`Role of ${member.user.name}`}
      className={selectClass}
      value={chosen ?? member.role}
      disabled={members.pending !== null}
      aria-busy={members.pending === `role:${member.user.id}` || undefined}
      onChange={async (e) => {
        const role = e.target.value as ProjectRole;
        setChosen(role);
        await members.changeRole(member.user.id, role);
        setChosen(null);
      }}
    >
      {PROJECT_ROLES.map((r) => (
        <option key={r} value={r}>
          {ROLE_LABELS[r]}
        </option>
      ))}
    </select>
  );
}

/** Invites not yet taken: who, which role, until when, and Cancel (the link stops working). */
export function InvitesTable({ rows, members }: { rows: PendingInvite[]; members: MembersState }) {
  return (
    <Table label="Open invites">
      <THead>
        <tr>
          <TH>Email</TH>
          <TH>Role</TH>
          <TH>Expires</TH>
          <TH>
            <span className="sr-only">Actions</span>
          </TH>
        </tr>
      </THead>
      <TBody>
        {rows.map((invite) => (
          <tr key={invite.id} data-testid="invite-row">
            <TD className="break-all">{invite.email ?? "Anyone with the link"}</TD>
            <TD>{invite.role ? ROLE_LABELS[invite.role] : "—"}</TD>
            <TD className="whitespace-nowrap">
              <time dateTime={invite.expiresAt}>{formatDateTime(invite.expiresAt)}</time>
            </TD>
            <TD className="text-right">
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Cancel the invite for ${invite.email ?? "this link"}`}
                disabled={members.pending !== null}
                loading={members.pending === `invite:${invite.id}`}
                onClick={() => void members.cancelInvite(invite.id)}
              >
                {members.pending !== `invite:${invite.id}` && <X className="h-4 w-4" aria-hidden="true" />}
                Cancel
              </Button>
            </TD>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
