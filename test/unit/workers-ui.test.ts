import { describe, expect, it } from "vitest";
import { beatAge, WORKER_STATUS_LOOK } from "@/features/workers/lib/worker-status";
import { WORKER_STATES } from "@/lib/contract/workers";

describe("the Workers page's words", () => {
  const now = Date.parse("2026-03-01T12:00:00.000Z");
  const agoMs = (ms: number) => new Date(now - ms).toISOString();

  it("says a beat's age in seconds, then minutes, hours and days", () => {
    expect(beatAge(agoMs(3_400), now)).toBe("3 s ago");
    expect(beatAge(agoMs(59_000), now)).toBe("59 s ago");
    expect(beatAge(agoMs(61_000), now)).toBe("1 min ago");
    expect(beatAge(agoMs(2 * 3_600_000 + 5_000), now)).toBe("2 h ago");
    expect(beatAge(agoMs(3 * 86_400_000), now)).toBe("3 days ago");
  });

  it("reads a beat from a clock a little ahead as now, and an unreadable one as a dash", () => {
    expect(beatAge(agoMs(-800), now)).toBe("0 s ago");
    expect(beatAge("not a date", now)).toBe("—");
  });

  it("has a word and a colour for every status the contract names", () => {
    for (const status of WORKER_STATES) expect(WORKER_STATUS_LOOK[status].label).not.toBe("");
    expect(WORKER_STATUS_LOOK.dead.dot).not.toBe(WORKER_STATUS_LOOK.alive.dot);
  });
});
