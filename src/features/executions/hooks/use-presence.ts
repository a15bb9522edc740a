"use client";

import { useEffect, useReducer, useRef } from "react";

export interface Presence<T> {
  key: string;
  item: T;
  /** Gone from the list; kept for `exitMs` so it can animate out. */
  leaving: boolean;
}

interface Entry<T> extends Presence<T> {
  leftAt: number;
}

/**
 * The items to draw for a list whose members come and go: the first `max` of `items` in a stable order,
 * plus the ones that just left (for `exitMs`, in place, counted in `max`), so cards can animate out
 * without the list jumping.
 */
export function usePresence<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  max: number,
  exitMs = 220,
): Presence<T>[] {
  const shown = useRef<Entry<T>[]>([]);
  const [tick, rerender] = useReducer((x: number) => x + 1, 0);
  const now = typeof performance !== "undefined" ? performance.now() : 0;

  const wanted = new Map<string, T>();
  for (const item of items) wanted.set(keyOf(item), item);

  const next: Entry<T>[] = [];
  for (const entry of shown.current) {
    const item = wanted.get(entry.key);
    if (item !== undefined) {
      next.push({ key: entry.key, item, leaving: false, leftAt: 0 });
      wanted.delete(entry.key);
    } else if (!entry.leaving) {
      next.push({ ...entry, leaving: true, leftAt: now });
    } else if (now - entry.leftAt < exitMs) {
      next.push(entry);
    }
  }
  for (const [key, item] of wanted) {
    if (next.length >= max) break;
    next.push({ key, item, leaving: false, leftAt: 0 });
  }
  shown.current = next;

  const leaving = next.some((e) => e.leaving);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each render may start new exits, so the exit timer restarts on `tick`
  useEffect(() => {
    if (!leaving) return;
    const timer = setTimeout(rerender, exitMs + 10);
    return () => clearTimeout(timer);
  }, [leaving, tick, exitMs]);

  return next;
}
