"use client";

import { useCallback, useState } from "react";
import {
  type AddMemberResult,
  addMember,
  cancelInvite,
  changeMemberRole,
  getProject,
  listMembers,
  removeMember,
} from "@/lib/client/endpoints";
import { toApiError } from "@/lib/client/errors";
import { useApiResource } from "@/lib/client/use-api-resource";
import type { ProjectRole } from "@/lib/contract/auth";

export function useMembersProject(projectId: string) {
  return useApiResource(`project:${projectId}`, () => getProject(projectId).then((r) => r.project));
}

/**
 * The project's members and open invites (admins only: `enabled` false asks nothing), and the changes an admin makes
 * to them. Each change reloads the list; a refusal keeps the API's words (a 409 "at least one admin") for the page.
 */
export function useMembers(projectId: string, enabled: boolean) {
  const list = useApiResource(enabled ? `members:${projectId}` : null, () => listMembers(projectId));
  const { reload } = list;
  /** Which change is in flight ("role:<userId>", "remove:<userId>", "invite:<inviteId>", "add"), one at a time. */
  const [pending, setPending] = useState<string | null>(null);
  /** The last refusal, and which change it refused (the form shows its own, the tables the others). */
  const [error, setError] = useState<{ what: string; message: string } | null>(null);

  const run = useCallback(
    async <T>(what: string, change: () => Promise<T>): Promise<T | null> => {
      setPending(what);
      setError(null);
      try {
        return await change();
      } catch (e) {
        setError({ what, message: toApiError(e).message });
        return null;
      } finally {
        setPending(null);
        // Whatever happened, show the list as the server has it now (a refused role change snaps back).
        await reload();
      }
    },
    [reload],
  );

  return {
    data: list.data,
    loading: list.loading,
    /** The list could not be loaded (a change's refusal is `error`). */
    loadError: list.error,
    reload,
    pending,
    error,
    clearError: useCallback(() => setError(null), []),
    add: useCallback(
      (email: string, role: ProjectRole): Promise<AddMemberResult | null> =>
        run("add", () => addMember(projectId, { email, role })),
      [run, projectId],
    ),
    changeRole: useCallback(
      (userId: string, role: ProjectRole) => run(`role:${userId}`, () => changeMemberRole(projectId, userId, role)),
      [run, projectId],
    ),
    remove: useCallback(
      (userId: string) => run(`remove:${userId}`, () => removeMember(projectId, userId).then(() => true)),
      [run, projectId],
    ),
    cancelInvite: useCallback(
      (inviteId: string) => run(`invite:${inviteId}`, () => cancelInvite(projectId, inviteId).then(() => true)),
      [run, projectId],
    ),
  };
}

export type MembersState = ReturnType<typeof useMembers>;
