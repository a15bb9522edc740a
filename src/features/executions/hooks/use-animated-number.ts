"use client";

import { useEffect, useRef, useState } from "react";

function prefersReducedMotion(): boolean {
  return typeof window !== "undefined" && window.matchMedia?.("(prefers-reduced-motion: reduce)").matches === true;
}

/**
 * Eases from the shown value to `target` over `durationMs` instead of jumping, so a counter that is fed
 * bursts of events glides. Snaps when the tab is hidden or the user prefers reduced motion, and shows
 * `target` itself in the very render where `exact` becomes true: final figures must never lag behind
 * (animation frames can stall for seconds in a busy or background tab).
 */
export function useAnimatedNumber(
  target: number,
  { exact = false, durationMs = 450 }: { exact?: boolean; durationMs?: number } = {},
): number {
  const [value, setValue] = useState(target);
  const shown = useRef(target);

  useEffect(() => {
    const from = shown.current;
    if (from === target) return;
    if (exact || document.hidden || prefersReducedMotion() || !Number.isFinite(from)) {
      shown.current = target;
      setValue(target);
      return;
    }
    const start = performance.now();
    let frame = 0;
    const step = (t: number) => {
      const p = Math.min(1, (t - start) / durationMs);
      const eased = 1 - (1 - p) ** 3;
      const v = p >= 1 ? target : from + (target - from) * eased;
      shown.current = v;
      setValue(v);
      if (p < 1) frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
    return () => cancelAnimationFrame(frame);
  }, [target, durationMs, exact]);

  return exact ? target : value;
}
