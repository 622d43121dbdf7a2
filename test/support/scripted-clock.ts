/**
 * A fake clock for the Graph client's `now` and `sleep`. Time is virtual: a sleeper wakes when
 * the clock jumps to its wake time, which happens as soon as the event loop has run once, so
 * waits of minutes take no real time. Sleepers wake in order of their wake times, and every
 * requested wait is recorded.
 */
export interface FakeClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Every wait requested so far, in milliseconds. */
  sleeps: number[];
  /** Resolves with the length of the next wait that any caller requests. */
  nextSleep: () => Promise<number>;
}

export function fakeClock(): FakeClock {
  let time = 0;
  let scheduled = false;
  const sleeps: number[] = [];
  const timers: Array<{ wake: number; resolve: () => void }> = [];
  const watchers: Array<(ms: number) => void> = [];

  function wakeNext(): void {
    scheduled = false;
    timers.sort((left, right) => left.wake - right.wake);
    const timer = timers.shift();
    if (!timer) return;
    time = Math.max(time, timer.wake);
    timer.resolve();
    schedule();
  }

  function schedule(): void {
    if (!scheduled && timers.length > 0) {
      scheduled = true;
      setImmediate(wakeNext);
    }
  }

  return {
    now: () => time,
    sleep: (ms) => {
      sleeps.push(ms);
      for (const watcher of watchers.splice(0)) watcher(ms);
      return new Promise<void>((resolve) => {
        timers.push({ wake: time + Math.max(0, ms), resolve });
        schedule();
      });
    },
    sleeps,
    nextSleep: () => new Promise<number>((resolve) => watchers.push(resolve)),
  };
}
