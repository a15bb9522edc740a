import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { loginFailures } from "../db/schema";
import { AppError } from "../errors";

/**
 * The sign-in rate limit: attempts are counted per account and per client address in a fixed window (in the
 * database, so every web process shares the count). Over either limit, sign-in answers 429 until the window ends,
 * whether or not the password is right, so guessing gains nothing from trying on.
 *
 * An attempt is counted before its password is checked: concurrent guesses then see each other, and a burst of N
 * gets at most `limit` verifications, not N. A right password takes its attempt back (forgiveAttempt).
 */
export interface ThrottleLimits {
  perAccount: number;
  perAddress: number;
  windowMinutes: number;
}

const keysOf = (email: string, address: string | null) => [
  { key: `account:${email.toLowerCase()}`, limit: "perAccount" as const },
  ...(address ? [{ key: `address:${address}`, limit: "perAddress" as const }] : []),
];

/** Counts this attempt against the account and the address; 429 when either had already used up its window. */
export async function takeAttempt(db: Db, limits: ThrottleLimits, email: string, address: string | null) {
  const inWindow = sql`${loginFailures.windowStartedAt} + make_interval(mins => ${limits.windowMinutes}) > now()`;
  for (const { key, limit } of keysOf(email, address)) {
    const [row] = await db
      .insert(loginFailures)
      .values({ key, failures: 1 })
      .onConflictDoUpdate({
        target: loginFailures.key,
        set: {
          failures: sql`case when ${inWindow} then ${loginFailures.failures} + 1 else 1 end`,
          windowStartedAt: sql`case when ${inWindow} then ${loginFailures.windowStartedAt} else now() end`,
        },
      })
      .returning({
        failures: loginFailures.failures,
        retryAfterS: sql<number>`ceil(extract(epoch from (${loginFailures.windowStartedAt} + make_interval(mins => ${limits.windowMinutes}) - now())))::int`,
      });
    if (row && row.failures > limits[limit]) {
      throw new AppError(
        "rate_limited",
        429,
        `Too many failed sign-ins ${limit === "perAccount" ? "for this account" : "from this address"}; try again in ${Math.ceil(row.retryAfterS / 60)} min`,
        { retryAfterSeconds: Math.max(1, row.retryAfterS) },
      );
    }
  }
}

/**
 * A right password clears the account's count and takes this attempt off the address's (not its earlier
 * failures: one address may be guessing many accounts).
 */
export async function forgiveAttempt(db: Db, email: string, address: string | null) {
  await db.delete(loginFailures).where(eq(loginFailures.key, `account:${email.toLowerCase()}`));
  if (address) {
    await db
      .update(loginFailures)
      .set({ failures: sql`greatest(${loginFailures.failures} - 1, 0)` })
      .where(eq(loginFailures.key, `address:${address}`));
  }
}
