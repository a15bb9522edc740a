/**
 * At most `slots` tasks at once, the rest wait in arrival order. The hub's replays read the log
 * through one of these a page at a time, so however many clients replay, the database keeps room for
 * everyone else and the replays take turns page by page.
 */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly slots: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter; `running` only drops when nobody waits.
      if (next) next();
      else this.running--;
    }
  }
}
