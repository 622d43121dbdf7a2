import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { registerSecret } from '../src-agent/log/redact.js';
import { eventId, SystemLog, type SystemLogRunner } from '../src-agent/log/system-log.js';

function recordingRunner(code = 0): { runner: SystemLogRunner; calls: [string, readonly string[]][] } {
  const calls: [string, readonly string[]][] = [];
  return {
    calls,
    runner: async (command, args) => {
      calls.push([command, args]);
      return { code };
    },
  };
}

describe('system log', () => {
  it('writes to syslog on Linux', async () => {
    const { runner, calls } = recordingRunner();
    const log = new SystemLog({ runner, platform: 'linux' });

    expect(await log.report('error', 'AUTH_SECRET_EXPIRED', 'The client secret expired.')).toBe('written');
    expect(await log.report('warning', 'CREDENTIAL_EXPIRES_SOON', 'The client secret expires in 12 days.')).toBe('written');

    expect(calls).toEqual([
      ['logger', ['-t', 'm365-mail-archiver', '-p', 'user.err', '--', '[AUTH_SECRET_EXPIRED] The client secret expired.']],
      ['logger', ['-t', 'm365-mail-archiver', '-p', 'user.warning', '--', '[CREDENTIAL_EXPIRES_SOON] The client secret expires in 12 days.']],
    ]);
  });

  it('writes to the Event Log on Windows', async () => {
    const { runner, calls } = recordingRunner();
    const log = new SystemLog({ runner, platform: 'win32' });

    await log.report('error', 'AUTH_SECRET_EXPIRED', 'The secret "Archiv" expired.\nRenew it.');

    expect(calls).toEqual([
      ['eventcreate', ['/T', 'ERROR', '/ID', String(eventId('AUTH_SECRET_EXPIRED')), '/L', 'APPLICATION', '/SO', 'M365 Mail Archiver', '/D', "[AUTH_SECRET_EXPIRED] The secret 'Archiv' expired. Renew it."]],
    ]);
  });

  it('rate-limits repeats per code', async () => {
    let now = 0;
    const { runner, calls } = recordingRunner();
    const log = new SystemLog({ runner, platform: 'linux', minIntervalMs: 60_000, now: () => now });

    expect(await log.report('error', 'NETWORK_UNREACHABLE', 'first')).toBe('written');
    expect(await log.report('error', 'NETWORK_UNREACHABLE', 'second')).toBe('suppressed');
    expect(await log.report('error', 'NETWORK_UNREACHABLE', 'third')).toBe('suppressed');
    expect(await log.report('error', 'TARGET_DISK_FULL', 'other code')).toBe('written');
    now = 60_000;
    expect(await log.report('error', 'NETWORK_UNREACHABLE', 'fourth')).toBe('written');

    expect(calls.map(([, args]) => args.at(-1))).toEqual([
      '[NETWORK_UNREACHABLE] first',
      '[TARGET_DISK_FULL] other code',
      '[NETWORK_UNREACHABLE] fourth (2 similar entries were left out)',
    ]);
  });

  it('never writes a registered secret', async () => {
    const secret = 'Zr8Q~system-log-secret-value';
    registerSecret(secret);
    const { runner, calls } = recordingRunner();

    await new SystemLog({ runner, platform: 'linux' }).report('error', 'AUTH_SECRET_INVALID', `rejected ${secret} and Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl`);

    const text = calls[0]![1].at(-1)!;
    expect(text).not.toContain(secret);
    expect(text).not.toContain('eyJhbGciOi');
    expect(text).toContain('[redacted]');
  });

  it('reports a failing command', async () => {
    const { runner } = recordingRunner(1);
    expect(await new SystemLog({ runner, platform: 'linux' }).report('error', 'INTERNAL', 'x')).toBe('failed');
    const throwing: SystemLogRunner = async () => {
      throw new Error('spawn failed');
    };
    expect(await new SystemLog({ runner: throwing, platform: 'linux' }).report('error', 'INTERNAL', 'x')).toBe('failed');
  });

  it('keeps event IDs stable and in range', () => {
    const ids = ['AUTH_SECRET_EXPIRED', 'CREDENTIAL_EXPIRES_SOON', 'TARGET_DISK_FULL'].map(eventId);
    for (const id of ids) {
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThanOrEqual(1000);
    }
    expect(ids).toEqual(['AUTH_SECRET_EXPIRED', 'CREDENTIAL_EXPIRES_SOON', 'TARGET_DISK_FULL'].map(eventId));
    expect(new Set(ids).size).toBe(3);
  });
});

const hasLogger = spawnSync('logger', ['--help'], { stdio: 'ignore' }).status === 0;
if (!hasLogger) {
  console.warn('logger is missing (Debian package bsdutils), so the real syslog entry is not tested.');
}

// This container has no journal, so the real logger sends to a syslog receiver on loopback.
describe.skipIf(!hasLogger)('system log with the real logger', () => {
  it('sends a syslog entry', async () => {
    const receiver = createSocket('udp4');
    receiver.bind(0, '127.0.0.1');
    await once(receiver, 'listening');
    const received = once(receiver, 'message');
    try {
      const log = new SystemLog({ platform: 'linux', syslogServer: { host: '127.0.0.1', port: receiver.address().port } });

      expect(await log.report('error', 'AUTH_SECRET_EXPIRED', 'The client secret expired.')).toBe('written');
      const [message] = (await received) as [Buffer];

      // Priority 11 is facility user (1) * 8 + severity err (3).
      const text = message.toString('utf8');
      expect(text.startsWith('<11>')).toBe(true);
      expect(text).toContain('m365-mail-archiver');
      expect(text).toContain('[AUTH_SECRET_EXPIRED] The client secret expired.');
    } finally {
      receiver.close();
    }
  });
});
