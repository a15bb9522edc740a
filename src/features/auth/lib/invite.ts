import type { InviteDetails } from "@/lib/client/endpoints";

/** Shorter than the server accepts is refused there too; said under the field so nobody learns it by failing. */
export const MIN_PASSWORD_CHARS = 10;

/** "Join Acme as operator", or "Create the first admin account" for the first-run link. */
export function inviteHeadline(invite: Pick<InviteDetails, "siteAdmin" | "projectName" | "role">): string {
  if (invite.siteAdmin) return "Create the first admin account";
  const project = invite.projectName ?? "a project";
  return invite.role ? `Join ${project} as ${invite.role}` : `Join ${project}`;
}

export interface NewAccountForm {
  name: string;
  password: string;
  /** Asked only when the invite names no email (the first admin's link). */
  email: string;
}

export type NewAccountProblems = Partial<Record<keyof NewAccountForm, string>>;

/** The fields a new account needs, checked as the server would (name, a long enough password, an email). */
export function newAccountProblems(form: NewAccountForm, needsEmail: boolean): NewAccountProblems {
  const problems: NewAccountProblems = {};
  if (!form.name.trim()) problems.name = "Enter your name.";
  if (form.password.length < MIN_PASSWORD_CHARS) problems.password = `Use at least ${MIN_PASSWORD_CHARS} characters.`;
  if (needsEmail && !/^[^\s@]+@[^\s@]+$/.test(form.email.trim())) problems.email = "Enter your email address.";
  return problems;
}
