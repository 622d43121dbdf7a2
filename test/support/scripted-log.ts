import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/**
 * Creates a debug-level pino logger that keeps every line in memory without the product's
 * redaction, so tests see exactly what the code under test logs.
 */
export function captureLogger(): { logger: Logger; lines: string[]; entries: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, stream);
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
