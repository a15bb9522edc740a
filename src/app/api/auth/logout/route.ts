import { guarded } from "@/server/auth/guard";
import { clearedSessionCookie, endSession } from "@/server/auth/sessions";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** Ends this browser's session (if any) and clears its cookie; signed out already is fine. */
export const POST = guarded({ public: true }, async (_request, _context, { caller }) => {
  if (caller.kind === "session") await endSession(caller.sessionId);
  return new Response(null, { status: 204, headers: { "set-cookie": clearedSessionCookie(getRuntime().env) } });
});
