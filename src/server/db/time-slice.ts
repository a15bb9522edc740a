/**
 * PGlite runs PostgreSQL inside this process, and its queries resolve through microtasks only: a busy loop of
 * queries (a scheduler draining 0 ms jobs, a long replay) never lets timers or sockets run, and the HTTP server
 * stops answering until it ends. A time slice makes such a loop step aside: once `sliceMs` have passed since the
 * last turn it gave, the next query first waits for the event loop (setImmediate) — so nothing else waits more than
 * about one slice plus one transaction, and a quiet database pays nothing.
 */
export class TimeSlice {
  private lastTurn = performance.now();

  constructor(private readonly sliceMs: number) {}

  /** Resolves at once within the slice; after it, on the event loop's next turn. */
  turn(): Promise<void> | undefined {
    const now = performance.now();
    if (now - this.lastTurn < this.sliceMs) return undefined;
    return new Promise((resolve) =>
      setImmediate(() => {
        this.lastTurn = performance.now();
        resolve();
      }),
    );
  }
}

type AsyncMethod = (...args: never[]) => Promise<unknown>;

/** Makes each named method of `target` take its turn first; the methods keep their signatures. */
export function sliceMethods<T extends object>(target: T, names: (keyof T)[], slice: TimeSlice): void {
  for (const name of names) {
    const original = (target[name] as AsyncMethod).bind(target);
    const sliced = async (...args: never[]) => {
      await slice.turn();
      return original(...args);
    };
    (target as Record<keyof T, unknown>)[name] = sliced;
  }
}
