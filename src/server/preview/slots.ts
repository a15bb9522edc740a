import { AppError } from "../errors";
import { processWide } from "../process-wide";

/** Previews this process runs at once: each may hold a browser page or a model conversation for up to a minute. */
export const MAX_CONCURRENT_PREVIEWS = 2;
/** What a refused caller is told to wait: about one short preview. */
const RETRY_AFTER_SECONDS = 5;

const slots = processWide("previewSlots", () => ({ taken: 0 }));

/**
 * Runs `work` in one of the process's preview slots, taken synchronously (no await between the check and the
 * booking); with none free, `429 rate_limited` with Retry-After.
 */
export async function inPreviewSlot<T>(work: () => Promise<T>): Promise<T> {
  const state = slots();
  if (state.taken >= MAX_CONCURRENT_PREVIEWS) {
    throw new AppError(
      "rate_limited",
      429,
      `${MAX_CONCURRENT_PREVIEWS} previews are running on this server already; try again in a few seconds`,
      { retryAfterSeconds: RETRY_AFTER_SECONDS },
    );
  }
  state.taken++;
  try {
    return await work();
  } finally {
    state.taken--;
  }
}
