import { describe, expect, it } from 'vitest';
import { MailboxLimiter, type Release } from '../src-agent/graph/limiter.js';
import { fakeClock } from './support/scripted-clock.js';

function limiter(overrides: Partial<ConstructorParameters<typeof MailboxLimiter>[0]> = {}) {
  const clock = fakeClock();
  const instance = new MailboxLimiter({
    concurrentPerMailbox: 4,
    requestsPerWindow: 10_000,
    windowMs: 600_000,
    totalConcurrency: 100,
    now: clock.now,
    sleep: clock.sleep,
    ...overrides,
  });
  return { instance, clock };
}

/** Acquires `count` slots without waiting for them; returns which have been granted so far. */
function request(instance: MailboxLimiter, mailbox: string | undefined, count: number) {
  const granted: Release[] = [];
  const all = Array.from({ length: count }, () => instance.acquire(mailbox).then((release) => (granted.push(release), release)));
  return { granted, all };
}

async function settle(): Promise<void> {
  for (let round = 0; round < 5; round++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('MailboxLimiter', () => {
  it('grants at most four slots per mailbox', async () => {
    const { instance } = limiter();
    const { granted } = request(instance, 'a', 6);
    await settle();

    expect(granted).toHaveLength(4);

    granted[0]?.();
    await settle();
    expect(granted).toHaveLength(5);
  });

  it('keeps mailboxes apart', async () => {
    const { instance } = limiter();
    const first = request(instance, 'a', 4);
    const second = request(instance, 'b', 4);
    await settle();

    expect(first.granted).toHaveLength(4);
    expect(second.granted).toHaveLength(4);
  });

  it('caps the total across mailboxes', async () => {
    const { instance } = limiter({ totalConcurrency: 5 });
    const first = request(instance, 'a', 4);
    const second = request(instance, 'b', 4);
    const directory = request(instance, undefined, 1);
    await settle();

    expect(first.granted.length + second.granted.length + directory.granted.length).toBe(5);

    first.granted[0]?.();
    await settle();
    expect(first.granted.length + second.granted.length + directory.granted.length).toBe(6);
  });

  it('ignores a second release', async () => {
    const { instance } = limiter({ concurrentPerMailbox: 1 });
    const release = await instance.acquire('a');
    release();
    release();
    const { granted } = request(instance, 'a', 2);
    await settle();

    expect(granted).toHaveLength(1);
  });

  it('waits for room in the request budget', async () => {
    const { instance, clock } = limiter({ requestsPerWindow: 3, windowMs: 1_000 });
    const times: number[] = [];

    for (let index = 0; index < 5; index++) {
      const release = await instance.acquire('a');
      times.push(clock.now());
      release();
    }

    expect(times.slice(0, 3)).toEqual([0, 0, 0]);
    expect(times[3]).toBeGreaterThanOrEqual(1_000);
    expect(times[4]).toBeGreaterThanOrEqual(1_000);
  });

  it('holds every caller of a paused mailbox', async () => {
    const { instance, clock } = limiter();
    instance.pause('a', 5_000);

    const grantedAt = await Promise.all([
      instance.acquire('a').then((release) => (release(), clock.now())),
      instance.acquire('a').then((release) => (release(), clock.now())),
    ]);
    const other = await instance.acquire('b');
    other();

    expect(grantedAt[0]).toBeGreaterThanOrEqual(5_000);
    expect(grantedAt[1]).toBeGreaterThanOrEqual(5_000);
    expect(clock.sleeps.filter((ms) => ms === 5_000)).toHaveLength(2);
  });

  it('keeps the longer of two pauses', async () => {
    const { instance, clock } = limiter();
    instance.pause('a', 5_000);
    instance.pause('a', 1_000);

    const release = await instance.acquire('a');
    release();

    expect(clock.now()).toBeGreaterThanOrEqual(5_000);
  });
});
