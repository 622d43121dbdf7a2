/**
 * Runs `work` for every item with at most `limit` calls in flight. It stops taking new items
 * once `shouldStop` returns true, and rejects with the first error that `work` throws, after
 * the calls already started have settled.
 */
export async function runPool<T>(
  items: Iterable<T>,
  limit: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let firstError: unknown;
  let failed = false;

  const worker = async (): Promise<void> => {
    while (!failed && !shouldStop()) {
      const next = iterator.next();
      if (next.done) {
        return;
      }
      try {
        await work(next.value);
      } catch (error) {
        if (!failed) {
          failed = true;
          firstError = error;
        }
      }
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (failed) {
    throw firstError;
  }
}
