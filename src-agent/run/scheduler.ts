import type { Logger } from '../log/logger.js';
import type { RunResult } from './run-types.js';

/**
 * Calls `runOnce` now and then every `intervalMinutes` after the previous run ended, until
 * `signal` aborts. A run in progress is not cut off: it stops taking new messages itself.
 */
export async function runOnSchedule(options: {
  runOnce: () => Promise<RunResult>;
  intervalMinutes: number;
  signal: AbortSignal;
  logger: Logger;
}): Promise<void> {
  const { runOnce, intervalMinutes, signal, logger } = options;
  const intervalMs = intervalMinutes * 60_000;

  while (!signal.aborted) {
    await runOnce();
    if (signal.aborted) {
      break;
    }
    logger.info({ nextRunAt: new Date(Date.now() + intervalMs).toISOString() }, 'waiting for the next run');
    await waitOrAbort(intervalMs, signal);
  }
  logger.info('scheduler stopped');
}

function waitOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
