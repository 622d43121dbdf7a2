import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from './m365-sim/index.js';
import { ANNA, BOB, buildMime, DENIED, errorCode, SCANNER, SimClient, startSmall } from './m365-sim/testing.js';

type Entity = Record<string, unknown>;

function values(response: { json: Record<string, unknown> }): Entity[] {
  return response.json.value as Entity[];
}

describe('m365-sim Graph reads', () => {
  let sim: RunningSimulator;
  let client: SimClient;

  beforeAll(async () => {
    sim = await startSmall();
    client = new SimClient(sim);
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  describe('users', () => {
    it('lists users with context and request-id', async () => {
      const response = await client.get('/users');
      expect(response.status).toBe(200);
      expect(response.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.json['@odata.context']).toBe(`${sim.url}/v1.0/$metadata#users`);
      expect(values(response).map((user) => user.userPrincipalName)).toEqual([ANNA, BOB, SCANNER, DENIED]);
      expect(values(response)[2]!.mail).toBeNull();
    });

    it('pages users with $top and $skiptoken', async () => {
      const first = await client.get('/users?$top=3&$select=id,displayName');
      expect(values(first)).toHaveLength(3);
      expect(Object.keys(values(first)[0]!).sort()).toEqual(['displayName', 'id']);
      const next = first.json['@odata.nextLink'] as string;
      expect(next).toContain('$skiptoken=');
      const second = await client.graph('GET', next);
      expect(values(second).map((user) => user.displayName)).toEqual(['Denied Box']);
      expect(second.json['@odata.nextLink']).toBeUndefined();
    });

    it('rejects $top above 999 and $skip', async () => {
      expect((await client.get('/users?$top=1000')).status).toBe(400);
      const skip = await client.get('/users?$skip=1');
      expect(skip.status).toBe(400);
    });

    it('filters users by mail', async () => {
      const response = await client.get(`/users?$filter=mail eq '${BOB}'`);
      expect(values(response).map((user) => user.id)).toEqual([sim.state.userId(BOB)]);
    });

    it('gets a user by ID or UPN', async () => {
      const byName = await client.get(`/users/${ANNA}`);
      const byId = await client.get(`/users/${sim.state.userId(ANNA)}?$select=mail`);
      expect(byName.json.displayName).toBe('Anna Schmidt');
      expect(byId.json.mail).toBe(ANNA);
      expect(byId.json.displayName).toBeUndefined();
    });

    it('unknown user is Request_ResourceNotFound', async () => {
      const response = await client.get('/users/nobody@contoso.de');
      expect(response.status).toBe(404);
      expect(errorCode(response)).toBe('Request_ResourceNotFound');
    });

    it('unknown $select property on users', async () => {
      const response = await client.get('/users?$select=shoeSize');
      expect(response.status).toBe(400);
    });
  });

  describe('mail folders', () => {
    it('lists root children without hidden folders', async () => {
      const response = await client.get(`/users/${ANNA}/mailFolders?$top=50`);
      const names = values(response).map((folder) => folder.displayName);
      expect(names).toContain('Inbox');
      expect(names).toContain('Abholordner');
      expect(names).toContain('Sent Items');
      expect(names).not.toContain('Verborgen');
      expect(names).not.toContain('Deletions');
    });

    it('includeHiddenFolders shows hidden folders', async () => {
      const response = await client.get(`/users/${ANNA}/mailFolders?includeHiddenFolders=true&$top=50`);
      const hidden = values(response).find((folder) => folder.displayName === 'Verborgen');
      expect(hidden?.isHidden).toBe(true);
    });

    it('pages folders by 10 with $skip in the nextLink', async () => {
      sim.state.addFolder(ANNA, '', 'Zusätzlich');
      const first = await client.get(`/users/${ANNA}/mailFolders`);
      expect(values(first)).toHaveLength(10);
      const next = first.json['@odata.nextLink'] as string;
      expect(next).toContain('$skip=10');
      const second = await client.graph('GET', next);
      expect(values(second).length).toBeGreaterThan(0);
      const ids = new Set([...values(first), ...values(second)].map((folder) => folder.id));
      expect(ids.size).toBe(values(first).length + values(second).length);
    });

    it('folder properties and well-known names', async () => {
      const inbox = await client.get(`/users/${ANNA}/mailFolders/Inbox`);
      expect(inbox.status).toBe(200);
      expect(inbox.json).toMatchObject({ displayName: 'Inbox', childFolderCount: 1, totalItemCount: 3, unreadItemCount: 3, isHidden: false });
      const root = await client.get(`/users/${ANNA}/mailFolders/msgfolderroot`);
      expect(inbox.json.parentFolderId).toBe(root.json.id);
      const byId = await client.get(`/users/${ANNA}/mailFolders/${inbox.json.id as string}?$select=displayName`);
      expect(byId.json).toMatchObject({ id: inbox.json.id, displayName: 'Inbox' });
      expect(byId.json.totalItemCount).toBeUndefined();
    });

    it('childFolders under a well-known name', async () => {
      const response = await client.get(`/users/${ANNA}/mailFolders/inbox/childFolders`);
      expect(values(response).map((folder) => folder.displayName)).toEqual(['Rechnungen']);
      const child = values(response)[0]!;
      const nested = await client.get(`/users/${ANNA}/mailFolders/inbox/childFolders/${child.id as string}/messages`);
      expect(values(nested)).toHaveLength(2);
      const viaRoot = await client.get(`/users/${ANNA}/mailFolders/msgfolderroot/childFolders/inbox/childFolders`);
      expect(values(viaRoot).map((folder) => folder.id)).toEqual([child.id]);
    });

    it('standard folders exist for every mailbox', async () => {
      for (const name of ['sentitems', 'deleteditems', 'junkemail', 'archive', 'recoverableitemsdeletions']) {
        const response = await client.get(`/users/${BOB}/mailFolders/${name}`);
        expect(response.status, name).toBe(200);
      }
      expect((await client.get(`/users/${BOB}/mailFolders/clutter`)).status).toBe(404);
    });

    it('malformed and unknown folder IDs', async () => {
      const malformed = await client.get(`/users/${ANNA}/mailFolders/not-an-id`);
      expect(malformed.status).toBe(400);
      expect(errorCode(malformed)).toBe('ErrorInvalidIdMalformed');
      const bobInbox = (await client.get(`/users/${BOB}/mailFolders/inbox`)).json.id as string;
      const foreign = await client.get(`/users/${ANNA}/mailFolders/${bobInbox}`);
      expect(foreign.status).toBe(404);
      expect(errorCode(foreign)).toBe('ErrorItemNotFound');
    });

    it('unknown folder property in $select', async () => {
      const response = await client.get(`/users/${ANNA}/mailFolders?$select=color`);
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('RequestBroker--ParseUri');
    });
  });

  describe('messages', () => {
    const pickup = () => `/users/${ANNA}/mailFolders/${sim.state.folderId(ANNA, 'Abholordner')}/messages`;

    it('default page of 10, newest first, nextLink with $skip', async () => {
      const first = await client.get(pickup());
      expect(values(first)).toHaveLength(10);
      const received = values(first).map((message) => message.receivedDateTime as string);
      expect([...received].sort().reverse()).toEqual(received);
      expect(first.json['@odata.nextLink']).toContain('$skip=10');

      const all: Entity[] = [...values(first)];
      let next = first.json['@odata.nextLink'] as string | undefined;
      while (next !== undefined) {
        const page = await client.graph('GET', next);
        all.push(...values(page));
        next = page.json['@odata.nextLink'] as string | undefined;
      }
      expect(new Set(all.map((message) => message.id)).size).toBe(25);
    });

    it('$select returns id, etag and the named properties', async () => {
      const response = await client.get(`${pickup()}?$top=1&$select=subject,categories`);
      expect(Object.keys(values(response)[0]!).sort()).toEqual(['@odata.etag', 'categories', 'id', 'subject']);
      expect(String(response.json['@odata.context'])).toContain('messages(subject,categories)');
    });

    it('$top must be 1 to 1000', async () => {
      expect((await client.get(`${pickup()}?$top=0`)).status).toBe(400);
      expect((await client.get(`${pickup()}?$top=1001`)).status).toBe(400);
      expect((await client.get(`${pickup()}?$top=1000`)).status).toBe(200);
    });

    it('filters on categories and its negation', async () => {
      const tagged = await client.get(`${pickup()}?$top=100&$filter=categories/any(c:c eq 'Archiviert')`);
      const untagged = await client.get(`${pickup()}?$top=100&$filter=not(categories/any(c:c eq 'Archiviert'))`);
      expect(values(tagged)).toHaveLength(5);
      expect(values(untagged)).toHaveLength(20);
      expect(values(tagged).every((message) => (message.categories as string[]).includes('Archiviert'))).toBe(true);
    });

    it('orderby outside the filter is InefficientFilter', async () => {
      const response = await client.get(`${pickup()}?$filter=categories/any(c:c eq 'X')&$orderby=receivedDateTime desc`);
      expect(response.status).toBe(400);
      expect(response.json.error).toMatchObject({ code: 'InefficientFilter', message: 'The restriction or sort order is too complex for this operation.' });
      const allowed = await client.get(`${pickup()}?$filter=receivedDateTime ge 2026-01-01T00:00:00Z and categories/any(c:c eq 'Archiviert')&$orderby=receivedDateTime desc`);
      expect(allowed.status).toBe(200);
      expect(values(allowed)).toHaveLength(5);
    });

    it('rejects $search with $filter, unknown and repeated options', async () => {
      const search = await client.get(`${pickup()}?$search="message"&$filter=isRead eq false`);
      expect(search.status).toBe(400);
      expect(errorCode(search)).toBe('ErrorInvalidUrlQuery');
      const unknown = await client.get(`${pickup()}?$xyz=1`);
      expect(unknown.status).toBe(400);
      const repeated = await client.get(`${pickup()}?$top=1&$top=2`);
      expect(repeated.status).toBe(400);
      const badFilter = await client.get(`${pickup()}?$filter=subject eq`);
      expect(badFilter.status).toBe(400);
      const unknownProperty = await client.get(`${pickup()}?$filter=shoeSize eq 3`);
      expect(errorCode(unknownProperty)).toBe('RequestBroker--ParseUri');
    });

    it('accepts system options without the $ prefix', async () => {
      const response = await client.get(`${pickup()}?top=2&select=subject`);
      expect(values(response)).toHaveLength(2);
      expect(values(response)[0]!.receivedDateTime).toBeUndefined();
    });

    it('$search alone matches subjects', async () => {
      const response = await client.get(`/users/${ANNA}/messages?$search="Grüße"`);
      expect(values(response).map((message) => message.subject)).toEqual(['Grüße aus München']);
    });

    it('mailbox-wide list spans folders', async () => {
      const response = await client.get(`/users/${ANNA}/messages?$top=100&$count=true`);
      expect(response.json['@odata.count']).toBe(3 + 2 + 1 + 1 + 25);
    });

    it('gets one message with decoded headers', async () => {
      const [first] = sim.state.listMessages(ANNA, 'Inbox');
      const response = await client.get(`/users/${ANNA}/messages/${first!.restId}`);
      expect(response.status).toBe(200);
      expect(response.headers.etag).toBe(`W/"${first!.changeKey}"`);
      expect(response.json).toMatchObject({
        id: first!.restId,
        subject: 'Grüße aus München',
        internetMessageId: '<umlaut@example.de>',
        from: { emailAddress: { name: 'Jörg Müller', address: 'joerg@example.de' } },
        toRecipients: [{ emailAddress: { name: 'Anna', address: 'anna@contoso.de' } }],
        sentDateTime: '2026-03-03T07:15:00Z',
        isDraft: false,
        parentFolderId: first!.folderId,
        '@odata.etag': `W/"${first!.changeKey}"`,
      });
      expect(response.json.internetMessageHeaders).toBeUndefined();
    });

    it('internetMessageHeaders and message class on request', async () => {
      const [first] = sim.state.listMessages(ANNA, 'Inbox');
      const response = await client.get(`/users/${ANNA}/messages/${first!.restId}?$select=internetMessageHeaders&$expand=singleValueExtendedProperties($filter=id eq 'String 0x001A')`);
      expect(response.json.internetMessageHeaders).toContainEqual({ name: 'Message-ID', value: '<umlaut@example.de>' });
      expect(response.json.singleValueExtendedProperties).toEqual([{ id: 'String 0x1a', value: 'IPM.Note' }]);
    });

    it('malformed message ID is 400, unknown is 404', async () => {
      const malformed = await client.get(`/users/${ANNA}/messages/AAMkAD-broken`);
      expect(malformed.status).toBe(400);
      expect(malformed.json.error).toMatchObject({ code: 'ErrorInvalidIdMalformed', message: 'Id is malformed.' });
      expect((malformed.json.error as Entity).innerError).toMatchObject({ 'request-id': malformed.headers['request-id'] });

      const [first] = sim.state.listMessages(ANNA, 'Inbox');
      const damaged = `${first!.restId.slice(0, 20)}${first!.restId[20] === 'A' ? 'B' : 'A'}${first!.restId.slice(21)}`;
      expect((await client.get(`/users/${ANNA}/messages/${damaged}`)).status).toBe(400);

      const deleted = sim.state.addMessage(BOB, 'Inbox', buildMime({ subject: 'short-lived' }));
      sim.state.deleteMessage(BOB, deleted.immutableId);
      const unknown = await client.get(`/users/${BOB}/messages/${deleted.restId}`);
      expect(unknown.status).toBe(404);
      expect(errorCode(unknown)).toBe('ErrorItemNotFound');
    });

    it('$value returns the exact bytes as text/plain, chunked', async () => {
      const [first] = sim.state.listMessages(ANNA, 'Inbox');
      const response = await client.get(`/users/${ANNA}/mailFolders/inbox/messages/${first!.restId}/$value`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/plain');
      expect(response.headers['transfer-encoding']).toBe('chunked');
      expect(response.bytes.equals(await sim.state.readMime(ANNA, first!.immutableId))).toBe(true);
      expect(response.text).toContain('Grüße, Jörg – 😀');
    });

    it('$value rejects query options', async () => {
      const [first] = sim.state.listMessages(ANNA, 'Inbox');
      const response = await client.get(`/users/${ANNA}/messages/${first!.restId}/$value?$select=subject`);
      expect(response.status).toBe(400);
    });
  });

  describe('mailbox states', () => {
    it('user without mailbox is MailboxNotEnabledForRESTAPI', async () => {
      const response = await client.get(`/users/${SCANNER}/mailFolders`);
      expect(response.status).toBe(404);
      expect(errorCode(response)).toBe('MailboxNotEnabledForRESTAPI');
      expect((await client.get(`/users/${SCANNER}`)).status).toBe(200);
    });

    it('mailbox outside the access policy is denied', async () => {
      const response = await client.get(`/users/${DENIED}/mailFolders/inbox`);
      expect(response.status).toBe(403);
      expect(response.json.error).toMatchObject({ code: 'ErrorAccessDenied', message: 'Access to OData is disabled.' });
    });

    it('unknown mailbox user is ErrorInvalidUser', async () => {
      const response = await client.get('/users/ghost@contoso.de/mailFolders');
      expect(response.status).toBe(404);
      expect(errorCode(response)).toBe('ErrorInvalidUser');
    });
  });

  describe('strictness', () => {
    it('unknown segments and versions', async () => {
      const unknownTop = await client.get('/groups');
      expect(unknownTop.status).toBe(400);
      expect((unknownTop.json.error as Entity).message).toBe("Resource not found for the segment 'groups'.");
      const unknownMail = await client.get(`/users/${ANNA}/mailFolders/inbox/rules`);
      expect(errorCode(unknownMail)).toBe('RequestBroker--ParseUri');
      const beta = await client.send('GET', '/beta/users', { authorization: 'Bearer x' });
      expect(beta.status).toBe(400);
      const nowhere = await client.send('GET', '/nowhere');
      expect(nowhere.status).toBe(404);
      expect(errorCode(nowhere)).toBe('NotFound');
    });

    it('/me needs delegated auth', async () => {
      const response = await client.get('/me/messages');
      expect(response.status).toBe(400);
    });

    it('wrong methods are 405', async () => {
      expect((await client.graph('POST', `/users/${ANNA}/mailFolders/inbox`)).status).toBe(405);
      expect((await client.graph('DELETE', '/users')).status).toBe(405);
      expect((await client.graph('GET', '/$batch')).status).toBe(405);
    });

    it('keeps connections alive', async () => {
      const before = sim.connectionCount();
      for (let index = 0; index < 5; index++) await client.get('/users?$top=1');
      expect(sim.connectionCount() - before).toBeLessThanOrEqual(1);
    });

    it('records requests with status and Prefer', async () => {
      await client.get(`/users/${ANNA}/mailFolders/inbox/messages?$top=1`, { prefer: 'IdType="ImmutableId"' });
      const record = sim.requests.at(-1)!;
      expect(record).toMatchObject({ method: 'GET', status: 200, immutableIdRequested: true, viaBatch: false });
      expect(record.url).toBe(`/v1.0/users/${ANNA}/mailFolders/inbox/messages?$top=1`);
      expect(record.mailboxId).toContain(sim.state.userId(ANNA));
      expect(String(record.headers.authorization)).toBe('Bearer [redacted]');
      expect(record.finishedAt).toBeGreaterThanOrEqual(record.startedAt);
    });
  });
});
