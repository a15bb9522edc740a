import { guarded } from "@/server/auth/guard";
import { getScreenshot } from "@/server/executions/service";
import { type IdParams, idOf } from "@/server/http/params";

export const dynamic = "force-dynamic";

/** The job's latest JPEG thumbnail; the live card polls it, so it is never cached. */
export const GET = guarded({ on: "job", need: "viewer" }, async (_request, context: IdParams) => {
  const shot = await getScreenshot(await idOf(context));
  return new Response(new Uint8Array(shot.jpeg), {
    headers: {
      "content-type": "image/jpeg",
      "content-length": String(shot.jpeg.byteLength),
      "cache-control": "no-store",
      "last-modified": shot.takenAt.toUTCString(),
    },
  });
});
