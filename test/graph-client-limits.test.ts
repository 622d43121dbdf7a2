import { setTimeout as pause } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startGraphHarness, type GraphHarness } from './support/scripted-graph.js';
import { inSequence, sendGraphError, sendJson } from './support/scripted-server.js';

let harness: GraphHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('GraphClient limits', () => {
  it('keeps four requests per mailbox in flight', async () => {
    harness = await startGraphHarness();
    const { server, client } = harness;
    // A short server-side latency gives an unlimited client the chance to overlap all requests.
    server.on('GET', /^\/v1\.0\/users\/[^/]+\/messages\/m\d+$/, async (_request, response) => {
      await pause(15);
      sendJson(response, 200, { id: 'm' });
    });

    await Promise.all([
      ...Array.from({ length: 12 }, (_, index) => client.getJson(`/users/u1/messages/m${index}`, { mailbox: 'u1' })),
      ...Array.from({ length: 12 }, (_, index) => client.getJson(`/users/u2/messages/m${index}`, { mailbox: 'u2' })),
    ]);

    expect(server.maxInFlight('u1')).toBe(4);
    expect(server.maxInFlight('u2')).toBe(4);
    expect(server.maxInFlight()).toBe(8);
  });

  it('caps the requests in flight across mailboxes', async () => {
    harness = await startGraphHarness({ limits: { totalConcurrency: 5 } });
    const { server, client } = harness;
    server.on('GET', /^\/v1\.0\/users\/[^/]+\/messages\/m\d+$/, async (_request, response) => {
      await pause(15);
      sendJson(response, 200, { id: 'm' });
    });

    await Promise.all(
      ['u1', 'u2', 'u3'].flatMap((user) => Array.from({ length: 6 }, (_, index) => client.getJson(`/users/${user}/messages/m${index}`, { mailbox: user }))),
    );

    expect(server.maxInFlight()).toBe(5);
    expect(server.requests).toHaveLength(18);
  });

  it('spends the request budget per window', async () => {
    harness = await startGraphHarness({ limits: { requestsPerWindow: 5, windowMs: 60_000 } });
    const { server, client, clock } = harness;
    const arrivals: number[] = [];
    server.on('GET', '/v1.0/users/u1/messages', (_request, response) => {
      arrivals.push(clock.now());
      sendJson(response, 200, { value: [] });
    });
    server.on('GET', '/v1.0/users/u2/messages', (_request, response) => sendJson(response, 200, { value: [] }));

    for (let index = 0; index < 7; index++) {
      await client.getJson('/users/u1/messages', { mailbox: 'u1' });
    }
    await client.getJson('/users/u2/messages', { mailbox: 'u2' });

    expect(arrivals.slice(0, 5).every((time) => time < 60_000)).toBe(true);
    expect(arrivals[5]).toBeGreaterThanOrEqual(60_000);
    expect(arrivals[6]).toBeGreaterThanOrEqual(60_000);
    // The other mailbox has its own budget and went out without waiting.
    expect(clock.sleeps).toHaveLength(1);
  });

  it('pauses every caller of a throttled mailbox', async () => {
    harness = await startGraphHarness();
    const { server, client, clock } = harness;
    const arrivals: Record<string, number[]> = { a: [], b: [] };
    server.on(
      'GET',
      '/v1.0/users/u1/messages/a',
      inSequence(
        (_request, response) => {
          arrivals.a?.push(clock.now());
          sendGraphError(response, 429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', { 'retry-after': '30' });
        },
        (_request, response) => {
          arrivals.a?.push(clock.now());
          sendJson(response, 200, { id: 'a' });
        },
      ),
    );
    server.on('GET', '/v1.0/users/u1/messages/b', (_request, response) => {
      arrivals.b?.push(clock.now());
      sendJson(response, 200, { id: 'b' });
    });
    server.on('GET', '/v1.0/users/u2/messages/c', (_request, response) => sendJson(response, 200, { id: 'c' }));

    const first = client.getJson('/users/u1/messages/a', { mailbox: 'u1' });
    // The caller that got the 429 waits out the pause in the limiter: that wait is the signal.
    expect(await clock.nextSleep()).toBe(30_000);
    const second = client.getJson('/users/u1/messages/b', { mailbox: 'u1' });
    const unrelated = client.getJson('/users/u2/messages/c', { mailbox: 'u2' });
    await Promise.all([first, second, unrelated]);

    expect(arrivals.a?.[0]).toBe(0);
    expect(arrivals.a?.[1]).toBeGreaterThanOrEqual(30_000);
    expect(arrivals.b?.[0]).toBeGreaterThanOrEqual(30_000);
    // One wait for each caller of u1; the caller of u2 did not wait at all.
    expect(clock.sleeps).toEqual([30_000, 30_000]);
    expect(client.stats('u2')).toEqual({ requests: 1, throttledResponses: 0, throttledMs: 0, retries: 0 });
  });
});
