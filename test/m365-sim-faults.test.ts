import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator, SimulatedMessage } from './m365-sim/index.js';
import { ANNA, BOB, buildMime, errorCode, SimClient, startSmall } from './m365-sim/testing.js';

describe('m365-sim faults', () => {
  let sim: RunningSimulator;
  let client: SimClient;
  let message: SimulatedMessage;

  beforeAll(async () => {
    sim = await startSmall();
    client = new SimClient(sim);
    await client.fetchToken();
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });
  beforeEach(() => {
    sim.faults.clear();
    message = sim.state.addMessage(BOB, 'Inbox', buildMime({ subject: 'fault target', body: 'y'.repeat(4096) }));
  });

  const messageUrl = () => `/users/${BOB}/messages/${message.restId}`;

  it('latency delays the response', async () => {
    sim.faults.add({ path: /mailFolders\/inbox$/, action: { kind: 'latency', ms: 80 } });
    const started = performance.now();
    const response = await client.get(`/users/${BOB}/mailFolders/inbox`);
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('429 with Retry-After in seconds or as a date', async () => {
    const date = 'Wed, 04 Mar 2026 10:00:00 GMT';
    sim.faults.add({ path: /inbox$/, times: 1, action: { kind: 'status', status: 429, retryAfter: '7' } });
    sim.faults.add({ path: /inbox$/, times: 1, action: { kind: 'status', status: 429, retryAfter: date } });
    const first = await client.get(`/users/${BOB}/mailFolders/inbox`);
    const second = await client.get(`/users/${BOB}/mailFolders/inbox`);
    const third = await client.get(`/users/${BOB}/mailFolders/inbox`);
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('7');
    expect(errorCode(first)).toBe('ApplicationThrottled');
    expect(second.headers['retry-after']).toBe(date);
    expect(third.status).toBe(200);
    expect(sim.faults.hits()).toEqual([1, 1]);
  });

  it('5xx statuses with Graph codes', async () => {
    for (const [status, code] of [
      [500, 'generalException'],
      [502, 'badGateway'],
      [503, 'serviceNotAvailable'],
      [504, 'UnknownError'],
    ] as const) {
      sim.faults.clear();
      sim.faults.add({ path: /inbox$/, times: 1, action: { kind: 'status', status } });
      const response = await client.get(`/users/${BOB}/mailFolders/inbox`);
      expect(response.status).toBe(status);
      expect(errorCode(response)).toBe(code);
      expect(response.json.error).toHaveProperty('innerError');
    }
    sim.faults.add({ path: /inbox$/, times: 1, action: { kind: 'status', status: 503, code: 'activityLimitReached', message: 'Busy.', retryAfter: '2' } });
    const custom = await client.get(`/users/${BOB}/mailFolders/inbox`);
    expect(custom.json.error).toMatchObject({ code: 'activityLimitReached', message: 'Busy.' });
    expect(custom.headers['retry-after']).toBe('2');
  });

  it('skip, times, method and hits', async () => {
    sim.faults.add({ method: 'PATCH', path: /inbox$/, action: { kind: 'status', status: 500 } });
    sim.faults.add({ method: 'GET', path: /inbox$/, skip: 2, times: 1, action: { kind: 'status', status: 503 } });
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) statuses.push((await client.get(`/users/${BOB}/mailFolders/inbox`)).status);
    expect(statuses).toEqual([200, 200, 503, 200]);
    expect(sim.faults.hits()).toEqual([0, 1]);
  });

  it('reset in the middle of a $value body', async () => {
    sim.faults.add({ path: /\$value$/, times: 1, action: { kind: 'reset-mid-body', afterBytes: 100 } });
    const response = await request(`${sim.url}/v1.0${messageUrl()}/$value`, { headers: { authorization: `Bearer ${await client.fetchToken()}` }, dispatcher: client.agent });
    expect(response.statusCode).toBe(200);
    let received = 0;
    const reading = (async () => {
      for await (const chunk of response.body) received += (chunk as Buffer).length;
    })();
    await expect(reading).rejects.toThrow();
    expect(received).toBe(100);

    const retry = await client.get(`${messageUrl()}/$value`);
    expect(retry.bytes.equals(await sim.state.readMime(BOB, message.immutableId))).toBe(true);
  });

  it('reset in the middle of a JSON body', async () => {
    sim.faults.add({ path: /inbox$/, times: 1, action: { kind: 'reset-mid-body', afterBytes: 10 } });
    await expect(client.get(`/users/${BOB}/mailFolders/inbox`)).rejects.toThrow();
  });

  it('token-expired answers 401', async () => {
    sim.faults.add({ path: /inbox$/, times: 1, action: { kind: 'token-expired' } });
    const response = await client.get(`/users/${BOB}/mailFolders/inbox`);
    expect(response.status).toBe(401);
    expect(response.json.error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' });
  });

  it('message-deleted deletes the message', async () => {
    sim.faults.add({ path: /\$value$/, times: 1, action: { kind: 'message-deleted' } });
    const response = await client.get(`${messageUrl()}/$value`);
    expect(response.status).toBe(404);
    expect(errorCode(response)).toBe('ErrorItemNotFound');
    expect(sim.state.getMessage(BOB, message.immutableId)).toBeUndefined();
    expect((await client.get(messageUrl())).status).toBe(404);
  });

  it('mime-conversion-failed for one item', async () => {
    sim.faults.add({ path: new RegExp(`${message.restId}/\\$value$`), action: { kind: 'mime-conversion-failed' } });
    const response = await client.get(`${messageUrl()}/$value`);
    expect(response.status).toBe(500);
    expect(errorCode(response)).toBe('ErrorMimeContentConversionFailed');
    const [other] = sim.state.listMessages(ANNA, 'Inbox');
    expect((await client.get(`/users/${ANNA}/messages/${other!.restId}/$value`)).status).toBe(200);
  });

  it('access-denied and mailbox-not-enabled for a mailbox', async () => {
    sim.faults.add({ path: new RegExp(`/users/${BOB}/`), times: 1, action: { kind: 'access-denied' } });
    sim.faults.add({ path: new RegExp(`/users/${ANNA}/`), times: 1, action: { kind: 'mailbox-not-enabled' } });
    const denied = await client.get(`/users/${BOB}/mailFolders`);
    const disabled = await client.get(`/users/${ANNA}/mailFolders`);
    expect(denied.status).toBe(403);
    expect(denied.json.error).toMatchObject({ code: 'ErrorAccessDenied', message: 'Access to OData is disabled.' });
    expect(disabled.status).toBe(404);
    expect(errorCode(disabled)).toBe('MailboxNotEnabledForRESTAPI');
  });

  it('sync-state-not-found evicts the delta token', async () => {
    const first = await client.get(`/users/${BOB}/mailFolders/inbox/messages/delta?$top=100`);
    const round = await client.graph('GET', first.json['@odata.nextLink'] as string);
    const deltaLink = round.json['@odata.deltaLink'] as string;
    sim.faults.add({ path: /deltatoken/, times: 1, action: { kind: 'sync-state-not-found' } });
    const failed = await client.graph('GET', deltaLink);
    expect(failed.status).toBe(410);
    expect(errorCode(failed)).toBe('syncStateNotFound');
    expect((await client.graph('GET', deltaLink)).status).toBe(410);
  });

  it('before runs a user change first', async () => {
    sim.faults.add({
      method: 'PATCH',
      path: /\/messages\//,
      times: 1,
      action: { kind: 'before', callback: (simulator) => simulator.state.setCategoriesAsUser(BOB, message.immutableId, ['Grün']) },
    });
    const response = await client.graph('PATCH', messageUrl(), { json: { categories: ['Archiviert'] }, headers: { 'if-match': `W/"${message.changeKey}"` } });
    expect(response.status).toBe(412);
    expect(sim.state.getMessage(BOB, message.immutableId)!.categories).toEqual(['Grün']);
  });

  it('faults reach the token endpoint', async () => {
    sim.faults.add({ method: 'POST', path: /oauth2\/v2\.0\/token/, times: 1, action: { kind: 'status', status: 503, retryAfter: '1' } });
    const failing = new SimClient(sim);
    try {
      await expect(failing.fetchToken()).rejects.toThrow(/serviceNotAvailable/);
      expect(await failing.fetchToken()).toMatch(/^ey/);
    } finally {
      await failing.close();
    }
  });

  it('faults apply to batch items', async () => {
    sim.faults.add({ path: /mailFolders\/inbox$/, times: 1, action: { kind: 'status', status: 429, retryAfter: '3' } });
    const response = await client.graph('POST', '/$batch', {
      json: {
        requests: [
          { id: '1', method: 'GET', url: `/users/${BOB}/mailFolders/inbox` },
          { id: '2', method: 'GET', url: `/users/${BOB}/mailFolders/archive` },
        ],
      },
    });
    expect(response.status).toBe(200);
    const items = response.json.responses as Array<{ id: string; status: number; headers: Record<string, string> }>;
    expect(items.find((item) => item.id === '1')).toMatchObject({ status: 429, headers: { 'retry-after': '3' } });
    expect(items.find((item) => item.id === '2')?.status).toBe(200);
  });
});
