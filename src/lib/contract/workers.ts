import { z } from "./zod";

/**
 * The worker processes that run jobs, as their registry rows describe them (GET /api/workers, the Workers page,
 * `fleetdeck status`), and the live view's word on whether any of them is running.
 */

export const WORKER_STATES = ["alive", "stopping", "stopped", "dead"] as const;

export const workerSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  /** Jobs it may run at once. */
  slots: z.number().int().min(0),
  /** Jobs it runs now, as of its last beat. */
  running: z.number().int().min(0),
  version: z.string(),
  /** "alive" means it beats on time; one that stopped beating is "dead" once a peer or the server says so. */
  status: z.enum(WORKER_STATES),
  startedAt: z.string(),
  lastBeatAt: z.string(),
  stoppedAt: z.string().nullable(),
});
export type WorkerInfo = z.infer<typeof workerSchema>;

/** GET /api/workers: present ones first, newest first; `live` counts those that claim jobs and beat on time. */
export const workerListSchema = z.object({
  workers: z.array(workerSchema),
  live: z.number().int().min(0),
});
export type WorkerListResponse = z.infer<typeof workerListSchema>;
