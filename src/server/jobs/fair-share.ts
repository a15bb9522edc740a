/** A live worker other than the claimer, as seen under the execution's lock. */
export interface PeerLoad {
  /** Slots it has free in all (its WORKER_SLOTS minus its running jobs). */
  spare: number;
  /** Its running jobs of this execution. */
  held: number;
}

/**
 * How many of an execution's free slots a worker takes, so that an execution's jobs spread over the
 * live workers and one worker's death stalls only its part of the run. Each worker with room is due an
 * even share of the concurrency (rounded up, so the shares always cover it); the claimer takes what is
 * left of its share, and anything the others have no room or share for. The result is never more than
 * `free`, so the execution's limit is untouched; with no other worker with room it is `free`.
 */
export function fairShare(claim: { concurrency: number; free: number; mine: number; peers: PeerLoad[] }): number {
  const free = Math.max(0, claim.free);
  const withRoom = claim.peers.filter((p) => p.spare > 0);
  if (withRoom.length === 0) return free;
  const share = Math.ceil(claim.concurrency / (withRoom.length + 1));
  const othersCanTake = withRoom.reduce((sum, p) => sum + Math.max(0, Math.min(p.spare, share - p.held)), 0);
  return Math.min(free, Math.max(share - claim.mine, free - othersCanTake, 0));
}
