import { guarded } from "@/server/auth/guard";
import { scrape } from "@/server/metrics";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/**
 * Prometheus metrics of this process (src/server/metrics.ts), plus the job counts of the whole database. With
 * AUTH=on a scraper sends an API token as Bearer; the front door answers 401, not a sign-in redirect, without one.
 */
export const GET = guarded({ signedIn: true }, async () => {
  const { body, contentType } = await scrape(getRuntime());
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
