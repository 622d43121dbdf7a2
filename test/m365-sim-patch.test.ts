import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator, SimulatedMessage } from './m365-sim/index.js';
import { ANNA, BOB, buildMime, errorCode, SimClient, startSmall } from './m365-sim/testing.js';

const IMMUTABLE = { prefer: 'IdType="ImmutableId"' };

describe('m365-sim message changes', () => {
  let sim: RunningSimulator;
  let client: SimClient;
  let target: SimulatedMessage;

  beforeAll(async () => {
    sim = await startSmall();
    client = new SimClient(sim);
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });
  beforeEach(() => {
    target = sim.state.addMessage(BOB, 'Inbox', buildMime({ subject: 'patch target' }), { categories: ['Rot', 'Blau'] });
  });

  const patch = (id: string, json: unknown, headers: Record<string, string> = {}) => client.graph('PATCH', `/users/${BOB}/messages/${id}`, { json, headers });

  it('PATCH categories replaces the set', async () => {
    const response = await patch(target.restId, { categories: ['Rot', 'Archiviert'] });
    expect(response.status).toBe(200);
    expect(response.json.categories).toEqual(['Rot', 'Archiviert']);
    expect(sim.state.getMessage(BOB, target.immutableId)!.categories).toEqual(['Rot', 'Archiviert']);

    const emptied = await patch(target.restId, { categories: [] });
    expect(emptied.json.categories).toEqual([]);
  });

  it('every change gives a new change key and etag', async () => {
    const first = await patch(target.restId, { isRead: true });
    const second = await patch(target.restId, { categories: ['X'] });
    expect(first.json.changeKey).not.toBe(target.changeKey);
    expect(second.json.changeKey).not.toBe(first.json.changeKey);
    expect(second.json['@odata.etag']).toBe(`W/"${second.json.changeKey as string}"`);
    expect(second.headers.etag).toBe(second.json['@odata.etag']);
  });

  it('If-Match with the current etag succeeds, a stale one is 412', async () => {
    const current = `W/"${target.changeKey}"`;
    const ok = await patch(target.restId, { categories: ['A'] }, { 'if-match': current });
    expect(ok.status).toBe(200);

    const stale = await patch(target.restId, { categories: ['B'] }, { 'if-match': current });
    expect(stale.status).toBe(412);
    expect(errorCode(stale)).toBe('ErrorIrresolvableConflict');
    expect(sim.state.getMessage(BOB, target.immutableId)!.categories).toEqual(['A']);
  });

  it('a user change makes the old etag stale', async () => {
    sim.state.setCategoriesAsUser(BOB, target.immutableId, ['Grün']);
    const stale = await patch(target.restId, { categories: ['Rot', 'Blau', 'Archiviert'] }, { 'if-match': `W/"${target.changeKey}"` });
    expect(stale.status).toBe(412);
    const fresh = sim.state.getMessage(BOB, target.immutableId)!;
    const retry = await patch(target.restId, { categories: ['Grün', 'Archiviert'] }, { 'if-match': `W/"${fresh.changeKey}"` });
    expect(retry.status).toBe(200);
  });

  const rejected: Array<{ name: string; body: unknown; code: string }> = [
    { name: 'subject on a sent message', body: { subject: 'new' }, code: 'ErrorInvalidPropertySet' },
    { name: 'body on a sent message', body: { body: { contentType: 'text', content: 'x' } }, code: 'ErrorInvalidPropertySet' },
    { name: 'internetMessageId', body: { internetMessageId: '<x@y>' }, code: 'ErrorInvalidPropertySet' },
    { name: 'replyTo', body: { replyTo: [] }, code: 'ErrorInvalidPropertySet' },
    { name: 'read-only id', body: { id: 'x' }, code: 'ErrorInvalidPropertySet' },
    { name: 'read-only changeKey', body: { changeKey: 'x' }, code: 'ErrorInvalidPropertySet' },
    { name: 'read-only receivedDateTime', body: { receivedDateTime: '2020-01-01T00:00:00Z' }, code: 'ErrorInvalidPropertySet' },
    { name: 'receipt on a sent message', body: { isReadReceiptRequested: true }, code: 'ErrorInvalidPropertyUpdateSentMessage' },
    { name: 'unknown property', body: { colour: 'red' }, code: 'RequestBodyRead' },
    { name: 'categories not strings', body: { categories: [1] }, code: 'RequestBodyRead' },
    { name: 'isRead not boolean', body: { isRead: 'yes' }, code: 'RequestBodyRead' },
    { name: 'invalid importance', body: { importance: 'urgent' }, code: 'RequestBodyRead' },
  ];

  for (const rejection of rejected) {
    it(`PATCH rejects ${rejection.name}`, async () => {
      const response = await patch(target.restId, rejection.body);
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe(rejection.code);
      expect(sim.state.getMessage(BOB, target.immutableId)!.changeKey).toBe(target.changeKey);
    });
  }

  it('PATCH accepts other writable properties', async () => {
    const response = await patch(target.restId, { importance: 'high', flag: { flagStatus: 'flagged' }, inferenceClassification: 'other', isRead: true });
    expect(response.json).toMatchObject({ importance: 'high', flag: { flagStatus: 'flagged' }, inferenceClassification: 'other', isRead: true });
  });

  it('PATCH rejects malformed JSON and a wrong Content-Type', async () => {
    const malformed = await client.graph('PATCH', `/users/${BOB}/messages/${target.restId}`, { headers: { 'content-type': 'application/json' } });
    const token = await client.fetchToken();
    const broken = await client.send('PATCH', `/v1.0/users/${BOB}/messages/${target.restId}`, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, '{"categories": [');
    const wrongType = await client.send('PATCH', `/v1.0/users/${BOB}/messages/${target.restId}`, { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, '{"categories":["A"]}');
    for (const response of [malformed, broken, wrongType]) {
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('BadRequest');
    }
  });

  it('IDs: immutable with Prefer, regular without', async () => {
    const plain = await client.get(`/users/${BOB}/messages/${target.restId}?$select=id`);
    const immutable = await client.get(`/users/${BOB}/messages/${target.restId}?$select=id`, IMMUTABLE);
    expect(plain.json.id).toBe(target.restId);
    expect(plain.headers['preference-applied']).toBeUndefined();
    expect(immutable.json.id).toBe(target.immutableId);
    expect(immutable.headers['preference-applied']).toBe('IdType="ImmutableId"');
    const byImmutable = await client.get(`/users/${BOB}/messages/${target.immutableId}?$select=subject`);
    expect(byImmutable.json.subject).toBe('patch target');
  });

  it('a move changes the regular ID only', async () => {
    sim.state.moveMessage(BOB, target.immutableId, 'Archive');
    const moved = sim.state.getMessage(BOB, target.immutableId)!;
    expect(moved.immutableId).toBe(target.immutableId);
    expect(moved.restId).not.toBe(target.restId);
    expect(moved.folderId).toBe(sim.state.folderId(BOB, 'Archive'));

    expect((await client.get(`/users/${BOB}/messages/${target.restId}`)).status).toBe(404);
    expect((await client.get(`/users/${BOB}/messages/${target.immutableId}`, IMMUTABLE)).json.id).toBe(target.immutableId);
    expect((await client.get(`/users/${BOB}/messages/${target.immutableId}`)).json.id).toBe(moved.restId);
  });

  it('POST move returns 201 with the new message', async () => {
    const response = await client.graph('POST', `/users/${BOB}/messages/${target.restId}/move`, { json: { destinationId: 'deleteditems' } });
    expect(response.status).toBe(201);
    expect(response.json.parentFolderId).toBe(sim.state.folderId(BOB, 'Deleted Items'));
    expect(response.json.id).not.toBe(target.restId);
  });

  it('DELETE moves to Deleted Items, then removes', async () => {
    const first = await client.graph('DELETE', `/users/${BOB}/messages/${target.restId}`);
    expect(first.status).toBe(204);
    const moved = sim.state.getMessage(BOB, target.immutableId)!;
    expect(moved.folderId).toBe(sim.state.folderId(BOB, 'Deleted Items'));
    const second = await client.graph('DELETE', `/users/${BOB}/messages/${moved.restId}`);
    expect(second.status).toBe(204);
    expect(sim.state.getMessage(BOB, target.immutableId)).toBeUndefined();
  });

  it('draft properties on a draft are not simulated', async () => {
    const [draft] = sim.state.listMessages(ANNA, 'Drafts');
    const response = await client.graph('PATCH', `/users/${ANNA}/messages/${draft!.restId}`, { json: { subject: 'x' } });
    expect(response.status).toBe(501);
  });
});
