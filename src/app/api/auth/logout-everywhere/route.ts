import { guarded } from "@/server/auth/guard";
import { clearedSessionCookie, endAllSessions } from "@/server/auth/sessions";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** Signs the person out of every browser; their open live views are closed at once. API tokens stay. */
export const POST = guarded({ signedIn: true, session: true }, async (_request, _context, { caller }) => {
  const ended = caller.kind === "session" ? await endAllSessions(caller.user.id) : 0;
  return Response.json({ sessionsEnded: ended }, { headers: { "set-cookie": clearedSessionCookie(getRuntime().env) } });
});
