import { PassThrough, type Readable } from 'node:stream';
import { classifyNetworkError } from '../net/index.js';
import type { Release } from './limiter.js';

/**
 * Wraps a response body so that the limiter slot is released exactly once: when the body ends,
 * fails or is destroyed by the consumer. A transport failure reaches the consumer as an
 * ArchiverError, so a reset mid-body becomes NETWORK_CONNECTION_RESET, which is retryable.
 */
export function guardDownload(source: Readable, release: Release, host: string, idleTimeoutMs: number): Readable {
  const output = new PassThrough();

  source.on('error', (error) => {
    output.destroy(classifyNetworkError(error, host, { timeoutMs: idleTimeoutMs }));
  });
  // 'close' follows 'end' as well as destroy(), so this covers every way the body can finish.
  output.on('close', () => {
    release();
    if (!source.destroyed) {
      source.destroy();
    }
  });

  source.pipe(output);
  return output;
}
