import { describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import { FirstPatchGate } from '../src-agent/run/patch-gate.js';
import { runPool } from '../src-agent/run/pool.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('runPool', () => {
  it('keeps at most the limit in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const done: number[] = [];
    await runPool(Array.from({ length: 20 }, (_, index) => index), 4, async (item) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      done.push(item);
      inFlight--;
    });
    expect(maxInFlight).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it('stops taking items after an error and rethrows it', async () => {
    const started: number[] = [];
    await expect(
      runPool([1, 2, 3, 4, 5, 6], 2, async (item) => {
        started.push(item);
        if (item === 2) throw new Error('item 2 failed');
        await new Promise((resolve) => setImmediate(resolve));
      }),
    ).rejects.toThrow('item 2 failed');
    expect(started.length).toBeLessThan(6);
  });

  it('stops taking items when told to', async () => {
    const started: number[] = [];
    await runPool([1, 2, 3, 4], 1, async (item) => void started.push(item), () => started.length >= 2);
    expect(started).toEqual([1, 2]);
  });
});

describe('FirstPatchGate', () => {
  it('holds later PATCHes until the first one succeeded', async () => {
    const gate = new FirstPatchGate();
    const first = deferred<string>();
    const order: string[] = [];
    const a = gate.run(async () => {
      order.push('first started');
      return first.promise;
    });
    const b = gate.run(async () => {
      order.push('second started');
      return 'second';
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['first started']);
    first.resolve('first');
    expect(await a).toBe('first');
    expect(await b).toBe('second');
    expect(order).toEqual(['first started', 'second started']);
  });

  it('fails every waiting PATCH with a mailbox-wide 403', async () => {
    const gate = new FirstPatchGate();
    const denied = new ArchiverError('GRAPH_PERMISSION_MISSING', { status: 403 });
    let laterCalls = 0;
    const first = gate.run(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      throw denied;
    });
    const second = gate.run(async () => ++laterCalls);
    await expect(first).rejects.toBe(denied);
    await expect(second).rejects.toBe(denied);
    await expect(gate.run(async () => ++laterCalls)).rejects.toBe(denied);
    expect(laterCalls).toBe(0);
  });

  it('lets the next PATCH probe after an item-level failure', async () => {
    const gate = new FirstPatchGate();
    await expect(gate.run(async () => Promise.reject(new ArchiverError('ETAG_MISMATCH')))).rejects.toMatchObject({ code: 'ETAG_MISMATCH' });
    expect(await gate.run(async () => 'ok')).toBe('ok');
  });
});
