/**
 * Runs tasks one after another, in the order they were queued, even when they await I/O.
 * Each execution's delivery goes through one of these so a log read for a gap can never let a
 * later event overtake an earlier one.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
