/** Runs queued tasks with at most `limit` of them at once, in the order they were queued. */
export class TaskQueue {
  private readonly waiting: Array<() => Promise<void>> = [];
  private active = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** Queues a task; a task must handle its own errors, because no caller awaits it. */
  push(task: () => Promise<void>): void {
    this.waiting.push(task);
    this.next();
  }

  /** Resolves once no task runs or waits. */
  idle(): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops the tasks that have not started; running ones finish. */
  clear(): void {
    this.waiting.length = 0;
    this.notifyIdle();
  }

  private next(): void {
    while (this.active < this.limit && this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      this.active++;
      void task()
        .catch(() => undefined)
        .finally(() => {
          this.active--;
          this.next();
          this.notifyIdle();
        });
    }
  }

  private notifyIdle(): void {
    if (this.active === 0 && this.waiting.length === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}

/** Maps `items` through `work` with at most `limit` calls at once; the results keep the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
