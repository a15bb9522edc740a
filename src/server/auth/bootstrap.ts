import * as accounts from "../repos/accounts";
import type { Runtime } from "../runtime";
import { inviteUrl } from "./members";
import { newSecret } from "./secrets";

/** How long the first admin's link works. */
const FIRST_ADMIN_LINK_HOURS = 24;

/**
 * With AUTH=on and no account yet, a one-time link that creates the first admin (a site admin: admin of every
 * project). A new link replaces any earlier one; null once someone has an account.
 */
export async function firstAdminLink(runtime: Runtime, port: number): Promise<string | null> {
  if (runtime.env.AUTH !== "on") return null;
  const { db } = runtime;
  if ((await accounts.countUsers(db)) > 0) return null;
  const secret = newSecret();
  await db.transaction(async (tx) => {
    await accounts.deleteOpenSiteAdminInvites(tx);
    await accounts.insertInvite(tx, {
      secretHash: secret.hash,
      siteAdmin: true,
      expiresAt: new Date(Date.now() + FIRST_ADMIN_LINK_HOURS * 3600_000),
    });
  });
  return inviteUrl(runtime.env.PUBLIC_URL ?? `http://localhost:${port}`, secret.value);
}
