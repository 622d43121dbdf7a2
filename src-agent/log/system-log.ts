import { spawn } from 'node:child_process';
import { redactText } from './redact.js';

/** Severity of an entry in the journal or the Windows Event Log. */
export type SystemLogLevel = 'error' | 'warning';

/** Runs a program without a shell and resolves with its exit code; injected so tests record the command lines. */
export type SystemLogRunner = (command: string, args: readonly string[]) => Promise<{ code: number | null }>;

export interface SystemLogOptions {
  runner?: SystemLogRunner;
  platform?: NodeJS.Platform;
  /** Minimum time between two entries with the same level and code; one hour when absent. */
  minIntervalMs?: number;
  now?: () => number;
  /**
   * Sends syslog entries to a syslog server instead of the local socket (`logger --server`),
   * for the test of the real `logger` on a machine without a journal.
   */
  syslogServer?: { host: string; port: number };
}

/** Outcome of one entry: written, left out by the rate limit, or rejected by the command. */
export type SystemLogOutcome = 'written' | 'suppressed' | 'failed';

const SOURCE = 'M365 Mail Archiver';
const TAG = 'm365-mail-archiver';
const DEFAULT_MIN_INTERVAL_MS = 60 * 60_000;
// eventcreate rejects longer descriptions; syslog lines past about 1 KiB are cut by many receivers.
const MAX_MESSAGE_CHARS = 1000;

/**
 * Writes errors and warnings where an admin looks when no one opens the app: the journal
 * (through syslog) on Linux and macOS, the Windows Event Log on Windows. Each (level, code)
 * pair is written at most once per interval, and the next entry after a pause states how many
 * were left out. The text passes the log redaction, so a registered secret never reaches it.
 */
export class SystemLog {
  private readonly runner: SystemLogRunner;
  private readonly platform: NodeJS.Platform;
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private readonly lastWritten = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly options: SystemLogOptions = {}) {
    this.runner = options.runner ?? spawnRunner;
    this.platform = options.platform ?? process.platform;
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  /** Writes one entry unless the same level and code was written within the interval. A failing command resolves with 'failed'. */
  async report(level: SystemLogLevel, code: string, message: string): Promise<SystemLogOutcome> {
    const key = `${level}:${code}`;
    const now = this.now();
    const previous = this.lastWritten.get(key);
    if (previous && now - previous.at < this.minIntervalMs) {
      previous.suppressed++;
      return 'suppressed';
    }
    this.lastWritten.set(key, { at: now, suppressed: 0 });

    const repeats = previous?.suppressed ? ` (${previous.suppressed} similar entries were left out)` : '';
    const text = `[${code}] ${cleanText(message)}${repeats}`.slice(0, MAX_MESSAGE_CHARS);
    const [command, args] = this.commandFor(level, code, text);
    try {
      const result = await this.runner(command, args);
      return result.code === 0 ? 'written' : 'failed';
    } catch {
      return 'failed';
    }
  }

  /** Returns the command line for one entry. */
  commandFor(level: SystemLogLevel, code: string, text: string): [string, string[]] {
    if (this.platform === 'win32') {
      return ['eventcreate', ['/T', level === 'error' ? 'ERROR' : 'WARNING', '/ID', String(eventId(code)), '/L', 'APPLICATION', '/SO', SOURCE, '/D', text]];
    }
    const server = this.options.syslogServer;
    const target = server ? ['--server', server.host, '--port', String(server.port), '--udp'] : [];
    return ['logger', [...target, '-t', TAG, '-p', level === 'error' ? 'user.err' : 'user.warning', '--', text]];
  }
}

const shared = new SystemLog();

/**
 * Writes an error or warning to the system log (journal or Windows Event Log), rate-limited
 * per level and code. Call it for failed runs and credential expiry warnings.
 */
export function reportToSystemLog(level: SystemLogLevel, code: string, message: string): Promise<SystemLogOutcome> {
  return shared.report(level, code, message);
}

/**
 * Maps an error code to an event ID from 1 to 1000, the range eventcreate accepts. The ID is
 * a hash of the code's name (FNV-1a), so it stays the same across versions for filters in the
 * Event Viewer. NOTE: two codes can share an ID; the entry text starts with the code itself.
 */
export function eventId(code: string): number {
  let hash = 0x811c9dc5;
  for (const character of code) {
    hash ^= character.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % 1000) + 1;
}

/** Makes the text one line without double quotes, because Windows passes the description through its own command-line parsing. */
function cleanText(message: string): string {
  return redactText(message).replace(/\s+/g, ' ').replaceAll('"', "'").trim();
}

function spawnRunner(command: string, args: readonly string[]): Promise<{ code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { stdio: 'ignore', windowsHide: true });
    child.on('error', () => resolve({ code: 127 }));
    child.on('close', (code) => resolve({ code }));
  });
}
