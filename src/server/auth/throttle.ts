import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { loginFailures } from "../db/schema";
import { AppError } from "../errors";

/**
 * The sign-in rate limit: failures are counted per account and per client address in a fixed window (in the
 * database, so every web process shares the count). Over either limit, sign-in answers 429 until the window ends,
 * whether or not the password is right, so guessing gains nothing from trying on.
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

export async function refuseIfThrottled(db: Db, limits: ThrottleLimits, email: string, address: string | null) {
  for (const { key, limit } of keysOf(email, address)) {
    const [row] = await db
      .select({
        failures: loginFailures.failures,
        retryAfterS: sql<number>`ceil(extract(epoch from (${loginFailures.windowStartedAt} + make_interval(mins => ${limits.windowMinutes}) - now())))::int`,
      })
      .from(loginFailures)
      .where(eq(loginFailures.key, key));
    if (row && row.retryAfterS > 0 && row.failures >= limits[limit]) {
      throw new AppError(
        "rate_limited",
        429,
        `Too many failed sign-ins ${limit === "perAccount" ? "for this account" : "from this address"}; try again in ${Math.ceil(row.retryAfterS / 60)} min`,
        { retryAfterSeconds: row.retryAfterS },
      );
    }
  }
}

export async function countFailure(db: Db, limits: ThrottleLimits, email: string, address: string | null) {
  for (const { key } of keysOf(email, address)) {
    await db
      .insert(loginFailures)
      .values({ key, failures: 1 })
      .onConflictDoUpdate({
        target: loginFailures.key,
        set: {
          failures: sql`case when ${loginFailures.windowStartedAt} + make_interval(mins => ${limits.windowMinutes}) > now() then ${loginFailures.failures} + 1 else 1 end`,
          windowStartedAt: sql`case when ${loginFailures.windowStartedAt} + make_interval(mins => ${limits.windowMinutes}) > now() then ${loginFailures.windowStartedAt} else now() end`,
        },
      });
  }
}

/** A right password clears the account's count (not the address's: one address may be guessing many accounts). */
export async function clearAccountFailures(db: Db, email: string) {
  await db.delete(loginFailures).where(eq(loginFailures.key, `account:${email.toLowerCase()}`));
}
