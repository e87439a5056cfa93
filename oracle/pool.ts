/**
 * Running several oracle runs at once (each its own helper, namespaces and processes).
 *
 * Runs do not see each other's objects, with one exception: a tracepoint fires for every
 * process on the machine, so while one run measures the runs of a tracepoint (trigger.ts:
 * an action window against a control window), the syscalls of another run would land in
 * one window and not the other. A `RunLock` keeps that apart: every call of a run holds it
 * shared, a tracepoint trigger holds it alone (writer first, so it is not starved).
 */

export class RunLock {
  private readers = 0;
  private writer = false;
  private readonly waiting: { exclusive: boolean; go: () => void }[] = [];

  private pump(): void {
    while (this.waiting.length) {
      const next = this.waiting[0]!;
      if (next.exclusive ? this.writer || this.readers > 0 : this.writer) return;
      this.waiting.shift();
      if (next.exclusive) this.writer = true;
      else this.readers++;
      next.go();
    }
  }

  /** Resolves with the release function once the lock is held. */
  acquire(exclusive: boolean): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiting.push({
        exclusive,
        go: () => resolve(() => {
          if (exclusive) this.writer = false;
          else this.readers--;
          this.pump();
        }),
      });
      this.pump();
    });
  }
}

/** `fn` over `items`, at most `width` at a time; results in the order of `items`. */
export async function inPool<T, R>(items: readonly T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
  return out;
}
