import { AppError } from "@/server/errors";
import { route } from "@/server/http/respond";
import { isUuid } from "@/server/repos/projects";
import { findScreenshot } from "@/server/repos/screenshots";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** The job's latest JPEG thumbnail; the live card polls it, so it is never cached. */
export const GET = route(async (_request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const shot = isUuid(id) ? await findScreenshot(getRuntime().db, id) : undefined;
  if (!shot) throw new AppError("not_found", 404, `Job ${id} has no screenshot yet`);
  return new Response(new Uint8Array(shot.jpeg), {
    headers: {
      "content-type": "image/jpeg",
      "content-length": String(shot.jpeg.byteLength),
      "cache-control": "no-store",
      "last-modified": shot.takenAt.toUTCString(),
    },
  });
});
