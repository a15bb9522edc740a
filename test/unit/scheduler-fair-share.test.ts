import { describe, expect, it } from "vitest";
import { fairShare } from "@/server/jobs/fair-share";

const roomy = (held = 0) => ({ spare: 20, held });

describe("fair share of an execution's free slots", () => {
  it("takes every free slot when no other live worker has room", () => {
    expect(fairShare({ concurrency: 10, free: 10, mine: 0, peers: [] })).toBe(10);
    expect(fairShare({ concurrency: 10, free: 10, mine: 0, peers: [{ spare: 0, held: 3 }] })).toBe(10);
  });

  it("splits an execution evenly between workers with room, and the shares cover the concurrency", () => {
    expect(fairShare({ concurrency: 10, free: 10, mine: 0, peers: [roomy()] })).toBe(5);
    expect(fairShare({ concurrency: 10, free: 5, mine: 0, peers: [roomy(5)] })).toBe(5);
    expect(fairShare({ concurrency: 10, free: 10, mine: 0, peers: [roomy(), roomy()] })).toBe(4);
    // ceil(3 / 2) = 2 each: together they can fill all 3.
    expect(fairShare({ concurrency: 3, free: 3, mine: 0, peers: [roomy()] })).toBe(2);
  });

  it("keeps concurrency 1 whole: whoever claims first takes the one slot", () => {
    expect(fairShare({ concurrency: 1, free: 1, mine: 0, peers: [roomy(), roomy()] })).toBe(1);
  });

  it("takes what the others have no room or share for", () => {
    // The peer has 1 free slot: 10 free, the peer can take 1, so this worker takes 9, past its share of 5.
    expect(fairShare({ concurrency: 10, free: 10, mine: 0, peers: [{ spare: 1, held: 0 }] })).toBe(9);
    // The peer already holds its share: the rest is this worker's.
    expect(fairShare({ concurrency: 10, free: 3, mine: 2, peers: [roomy(5)] })).toBe(3);
  });

  it("leaves a worker's excess to the others as its own jobs end", () => {
    // A new worker joined while this one held all 10; a freed slot goes to the newcomer.
    expect(fairShare({ concurrency: 10, free: 1, mine: 9, peers: [roomy(0)] })).toBe(0);
  });

  it("never takes more than the execution's free slots", () => {
    for (const free of [0, 1, 4, 10]) {
      for (const mine of [0, 3, 10]) {
        expect(
          fairShare({ concurrency: 10, free, mine, peers: [{ spare: 0, held: 0 }, roomy(2)] }),
        ).toBeLessThanOrEqual(free);
      }
    }
    expect(fairShare({ concurrency: 10, free: -2, mine: 0, peers: [] })).toBe(0);
  });
});
