import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pino, type Logger, type StreamEntry } from 'pino';
import { redactText, redactValue } from './redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Folder for the rotating log files; no file is written when absent. */
  logDir?: string;
  /** Base name of the log file, one per process kind: "agent", "app". */
  fileName?: string;
  level?: pino.Level;
  /** Days a rotated file is kept. Logs name people (senders, subjects), so they must not grow forever. */
  retentionDays?: number;
  /** Also write to stderr, for a shell or a service manager's journal. */
  console?: boolean;
}

const DEFAULT_RETENTION_DAYS = 30;

/**
 * Creates the process's root logger. Modules take a child with `logger.child({ module })`.
 * Every object and message passes the redaction in redact.ts before it reaches a stream.
 */
export async function createLogger(options: LoggerOptions = {}): Promise<Logger> {
  const streams: StreamEntry[] = [];
  const level = options.level ?? 'info';

  if (options.logDir) {
    mkdirSync(options.logDir, { recursive: true });
    const { default: buildRollingStream } = await import('pino-roll');
    const fileStream = await buildRollingStream({
      file: path.join(options.logDir, options.fileName ?? 'agent'),
      extension: '.log',
      frequency: 'daily',
      dateFormat: 'yyyy-MM-dd',
      limit: { count: options.retentionDays ?? DEFAULT_RETENTION_DAYS },
      mkdir: true,
      // Synchronous writes keep the last lines before a crash or a kill, which an admin needs
      // most. The agent logs a few lines per run at info level, so the cost is small.
      sync: true,
    });
    streams.push({ level, stream: fileStream });
  }
  if (options.console ?? !options.logDir) {
    streams.push({ level, stream: pino.destination({ fd: 2, sync: true }) });
  }

  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        log: (object) => redactValue(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((argument) => (typeof argument === 'string' ? redactText(argument) : redactValue(argument)));
          method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
    },
    pino.multistream(streams),
  );
}

/** Returns a logger that drops everything, for library callers and tests that ignore logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
