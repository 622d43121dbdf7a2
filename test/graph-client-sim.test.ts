import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientSecretTokenProvider, decodeTokenClaims, type TokenProvider } from '../src-agent/auth/index.js';
import type { ArchiverError } from '../src-agent/errors/index.js';
import { GraphClient } from '../src-agent/graph/client.js';
import {
  deltaMessages,
  downloadMime,
  getFolderPath,
  getMailFolder,
  getMessage,
  listChildFolders,
  listFolderTree,
  listUsers,
  resolveMailbox,
  setMessageCategories,
} from '../src-agent/graph/mail.js';
import type { GraphMessage } from '../src-agent/graph/types.js';
import { createDispatcher } from '../src-agent/net/index.js';
import type { RunningSimulator } from './m365-sim/index.js';
import { ANNA, SCANNER, startSmall } from './m365-sim/testing.js';
import { fakeClock } from './support/scripted-clock.js';
import { failureOf } from './support/scripted-graph.js';
import { captureLogger } from './support/scripted-log.js';

// The whole client against the M365 simulator over real HTTPS: MSAL token, users, folders,
// delta, $value and the categories PATCH. Only waits run on a fake clock.
let sim: RunningSimulator;
let dispatcher: Dispatcher;
let tokens: TokenProvider;
let client: GraphClient;
let logLines: string[];

beforeAll(async () => {
  sim = await startSmall();
  dispatcher = createDispatcher({ extraCaPem: [sim.caPem] });
  const captured = captureLogger();
  logLines = captured.lines;
  tokens = createClientSecretTokenProvider({
    tenant: sim.tenantId,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    authorityHost: sim.authorityHost,
    graphEndpoint: sim.graphEndpoint,
    dispatcher,
    logger: captured.logger,
  });
  const clock = fakeClock();
  client = new GraphClient({ graphEndpoint: sim.graphEndpoint, tokenProvider: tokens, dispatcher, logger: captured.logger, sleep: clock.sleep, now: clock.now });
});

afterAll(async () => {
  await dispatcher.destroy();
  await sim.close();
});

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function pickupMessages(userId: string, folderId: string): Promise<{ messages: GraphMessage[]; deltaLink?: string }> {
  const messages: GraphMessage[] = [];
  let deltaLink: string | undefined;
  for await (const page of deltaMessages(client, userId, folderId, undefined, { pageSize: 10 })) {
    messages.push(...page.items);
    deltaLink = page.deltaLink ?? deltaLink;
  }
  return { messages, deltaLink };
}

describe('GraphClient against the simulator', () => {
  it('archives a message end to end', async () => {
    const token = await tokens.getToken();
    expect(decodeTokenClaims(token).roles).toEqual(expect.arrayContaining(['Mail.ReadWrite']));

    const users = [];
    for await (const page of listUsers(client)) users.push(...page);
    expect(users.map((user) => user.mail ?? user.userPrincipalName)).toEqual(expect.arrayContaining([ANNA]));

    const anna = await resolveMailbox(client, ANNA);
    const top = await listChildFolders(client, anna.id, null);
    const pickup = top.find((folder) => folder.displayName === 'Abholordner');
    expect(pickup).toBeDefined();
    expect(pickup?.id).toBe(sim.state.folderId(ANNA, 'Abholordner'));
    expect(await getFolderPath(client, anna.id, pickup?.id ?? '')).toEqual(['Abholordner']);

    const { messages, deltaLink } = await pickupMessages(anna.id, pickup?.id ?? '');
    expect(messages).toHaveLength(25);
    expect(deltaLink).toBeDefined();

    const target = messages[1];
    const mime = await readAll(await downloadMime(client, anna.id, target?.id ?? ''));
    expect(mime.equals(await sim.state.readMime(ANNA, target?.id ?? ''))).toBe(true);

    const current = await getMessage(client, anna.id, target?.id ?? '');
    const answer = await setMessageCategories(client, anna.id, current.id, [...(current.categories ?? []), 'Archiviert'], current['@odata.etag'] ?? '');
    expect(answer.categories).toContain('Archiviert');
    expect(sim.state.getMessage(ANNA, current.id)?.categories).toContain('Archiviert');

    // The next delta round starts at the stored link and reports the changed message.
    const next = [];
    for await (const page of deltaMessages(client, anna.id, pickup?.id ?? '', deltaLink)) next.push(...page.items);
    expect(next.map((item) => item.id)).toContain(current.id);
  });

  it('lists the inbox tree with its subfolder', async () => {
    const anna = await resolveMailbox(client, ANNA);
    const inbox = await getMailFolder(client, anna.id, 'inbox');

    const tree = await listFolderTree(client, anna.id, inbox.id);

    expect(tree.map((entry) => entry.path)).toEqual([['Inbox'], ['Inbox', 'Rechnungen']]);
  });

  it('refreshes a token that Graph rejects', async () => {
    const anna = await resolveMailbox(client, ANNA);
    sim.faults.add({ method: 'GET', path: /\/mailFolders\/inbox/, action: { kind: 'token-expired' }, times: 1 });

    const inbox = await getMailFolder(client, anna.id, 'inbox');

    expect(inbox.displayName).toBe('Inbox');
    expect(sim.faults.hits().at(-1)).toBe(1);
  });

  it('retries a throttled request', async () => {
    const anna = await resolveMailbox(client, ANNA);
    const before = client.stats(anna.id);
    sim.faults.add({ method: 'GET', path: /\/mailFolders\/drafts/, action: { kind: 'status', status: 429, retryAfter: '2' }, times: 1 });

    const drafts = await getMailFolder(client, anna.id, 'drafts');

    const after = client.stats(anna.id);
    expect(drafts.displayName).toBe('Drafts');
    expect(after.throttledResponses - before.throttledResponses).toBe(1);
    expect(after.throttledMs - before.throttledMs).toBe(2_000);
  });

  it('reports a mailbox without Exchange Online', async () => {
    const scanner = await resolveMailbox(client, SCANNER);

    const error = await failureOf(getMailFolder(client, scanner.id, 'inbox'));

    expect((error as ArchiverError).code).toBe('MAILBOX_NOT_ENABLED');
  });

  it('keeps tokens and the secret out of the log', async () => {
    const token = await tokens.getToken();

    const log = logLines.join('\n');
    expect(log).not.toContain(sim.clientSecret);
    expect(log).not.toContain(token);
    expect(log).not.toContain('Bearer');
  });
});
