import { describe, expect, it } from "vitest";
import { AddressQuota } from "@/server/realtime/address-quota";
import { Gate } from "@/server/realtime/gate";
import { MessageRate } from "@/server/realtime/message-rate";

describe("message rate", () => {
  it("accepts a burst up to the limit, refuses beyond it, and refills with time", () => {
    const rate = new MessageRate(5, 0);
    expect(Array.from({ length: 6 }, () => rate.take(0))).toEqual([
      "accepted",
      "accepted",
      "accepted",
      "accepted",
      "accepted",
      "refused",
    ]);
    expect(rate.take(200)).toBe("accepted"); // 0.2 s refills one
    expect(rate.take(200)).toBe("refused");
    expect(rate.take(2_000)).toBe("accepted");
  });

  it("judges a client abusive once its refusals exceed the limit, and forgives one that slows down", () => {
    const flood = new MessageRate(5, 0);
    const verdicts = Array.from({ length: 11 }, () => flood.take(0));
    expect(verdicts.slice(5, 10)).toEqual(Array(5).fill("refused"));
    expect(verdicts[10]).toBe("abusive");

    const overshooter = new MessageRate(5, 0);
    for (let i = 0; i < 8; i++) overshooter.take(0); // 3 refused
    // A second later its refusals have drained: overshooting again is refused, not abusive.
    for (let i = 0; i < 8; i++) expect(overshooter.take(1_000)).not.toBe("abusive");
  });
});

describe("gate", () => {
  it("runs at most `slots` tasks at once, the rest in arrival order, and passes on failures", async () => {
    const gate = new Gate(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(i);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      if (i === 3) throw new Error("boom");
      return i;
    };
    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((i) => gate.run(task(i))));
    expect(peak).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5, 6]);
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    // Nothing is left holding a slot.
    expect(await Promise.all([gate.run(async () => "a"), gate.run(async () => "b")])).toEqual(["a", "b"]);
  });
});

describe("address quota", () => {
  it("counts sockets per address against the ceiling and frees a slot on release", () => {
    const quota = new AddressQuota(2);
    expect([quota.tryTake("a"), quota.tryTake("a"), quota.tryTake("a"), quota.tryTake("b")]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    quota.release("a");
    expect(quota.tryTake("a")).toBe(true);
    expect(quota.tryTake("a")).toBe(false);
  });
});
