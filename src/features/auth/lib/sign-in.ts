import type { ApiError } from "@/lib/client/api";

/**
 * What the sign-in form says when the server refuses. The server's words as they are, except the rate limit,
 * which is said in one short line with the wait it gave (details.retryAfterSeconds).
 */
export function signInErrorMessage(error: Pick<ApiError, "status" | "message" | "details">): string {
  if (error.status !== 429) return error.message;
  const seconds = Number(error.details.retryAfterSeconds);
  if (!Number.isFinite(seconds) || seconds <= 0) return "Too many attempts — try again later";
  return `Too many attempts — try again in ${Math.max(1, Math.ceil(seconds / 60))} min`;
}

export interface SignInProblems {
  email?: string;
  password?: string;
}

/** What the form can tell before asking (an empty field); the server judges the rest. */
export function signInProblems(email: string, password: string): SignInProblems {
  const problems: SignInProblems = {};
  if (!email.trim()) problems.email = "Enter your email.";
  if (!password) problems.password = "Enter your password.";
  return problems;
}
