import type { CreateTokenRequest } from "@/lib/client/endpoints";
import type { ApiToken, ProjectRole } from "@/lib/contract/auth";

/** The contract's bounds on a token's life in days (createTokenSchema). */
export const MAX_EXPIRY_DAYS = 3650;

export interface TokenForm {
  name: string;
  role: ProjectRole;
  /** None ticked: every project the person is a member of, now and later. */
  projectIds: string[];
  /** Blank: it never expires. */
  expiresInDays: string;
}

export const emptyTokenForm = (): TokenForm => ({ name: "", role: "viewer", projectIds: [], expiresInDays: "" });

export type TokenFormProblems = Partial<Record<"name" | "expiresInDays", string>>;

/** The request the form stands for, or what to fix first. */
export function tokenRequest(
  form: TokenForm,
): { request: CreateTokenRequest; problems: null } | { request: null; problems: TokenFormProblems } {
  const problems: TokenFormProblems = {};
  const name = form.name.trim();
  if (!name) problems.name = "Name the token after what will use it.";
  else if (name.length > 100) problems.name = "Use at most 100 characters.";
  const daysText = form.expiresInDays.trim();
  const days = Number(daysText);
  if (daysText && (!/^\d+$/.test(daysText) || days < 1 || days > MAX_EXPIRY_DAYS))
    problems.expiresInDays = `A whole number of days from 1 to ${MAX_EXPIRY_DAYS}, or blank for never.`;
  if (problems.name || problems.expiresInDays) return { request: null, problems };
  return {
    request: {
      name,
      role: form.role,
      projectIds: form.projectIds.length ? [...new Set(form.projectIds)] : null,
      ...(daysText ? { expiresInDays: days } : {}),
    },
    problems: null,
  };
}

export type TokenStatus = "active" | "revoked" | "expired";

export function tokenStatus(token: Pick<ApiToken, "revokedAt" | "expiresAt">, now = Date.now()): TokenStatus {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= now) return "expired";
  return "active";
}

/** "All projects", or the names of the projects it is limited to (an id the person can no longer see as such). */
export function tokenScope(token: Pick<ApiToken, "projectIds">, projectNames: ReadonlyMap<string, string>): string {
  if (!token.projectIds) return "All projects";
  return token.projectIds.map((id) => projectNames.get(id) ?? "a project you no longer see").join(", ");
}
