import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultRule } from './m365-sim/index.js';
import { startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { folder, invoices, mailbox, tenant, textMessage } from './support/small-tenant.js';

const ANNA = 'anna.schmidt@musterfirma.de';
const BUCHHALTUNG = 'buchhaltung@musterfirma.de';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let environment: AgentEnvironment | undefined;
afterEach(async () => {
  await environment?.close();
  environment = undefined;
});

async function annaWith(messages = 4, rules: FaultRule[] = []) {
  environment = await startAgentEnvironment({
    content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(messages))])]),
    pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
  });
  for (const rule of rules) environment.simulator.faults.add(rule);
  return environment;
}

/** No message carries the category unless its file is in the target with the served bytes. */
async function expectMarksBackedByFiles(current: AgentEnvironment, mailboxAddress = ANNA, folderPath = 'Abholordner') {
  const rows = current.ledgerRows();
  for (const message of current.simulator.state.listMessages(mailboxAddress, folderPath)) {
    if (!message.categories.includes('Archiviert')) continue;
    const row = rows.find((candidate) => candidate.messageId === message.immutableId);
    const file = await readFile(path.join(current.targetDir, `${row?.fileName}.eml`));
    expect(sha256(file)).toBe(sha256(await current.simulator.state.readMime(mailboxAddress, message.immutableId)));
  }
}

function markedCount(current: AgentEnvironment, mailboxAddress = ANNA, folderPath = 'Abholordner') {
  return current.simulator.state.listMessages(mailboxAddress, folderPath).filter((message) => message.categories.includes('Archiviert')).length;
}

describe('faults that are retried', () => {
  it.each<[string, FaultRule]>([
    ['429 with Retry-After seconds', { method: 'GET', path: /\$value/, times: 2, action: { kind: 'status', status: 429, retryAfter: '1' } }],
    ['429 on the category PATCH', { method: 'PATCH', path: /\/messages\//, times: 1, action: { kind: 'status', status: 429, retryAfter: '1' } }],
    ['503 on delta', { method: 'GET', path: /\/delta/, times: 1, action: { kind: 'status', status: 503 } }],
    ['504 on $value', { method: 'GET', path: /\$value/, times: 1, action: { kind: 'status', status: 504 } }],
    ['connection reset mid-body', { method: 'GET', path: /\$value/, times: 1, action: { kind: 'reset-mid-body', afterBytes: 100 } }],
    ['expired token', { method: 'GET', path: /\/delta/, times: 1, action: { kind: 'token-expired' } }],
  ])('%s: archives every message', async (_name, rule) => {
    const current = await annaWith(4, [rule]);

    const result = await current.runOnce();

    expect(result.status).toBe('ok');
    expect(result.messagesMarked).toBe(4);
    expect(current.simulator.faults.hits()[0]).toBeGreaterThan(0);
    await expectMarksBackedByFiles(current);
  });

  it('fetches a new token once after a 401', async () => {
    const current = await annaWith(2, [{ method: 'GET', path: /\/delta/, times: 1, action: { kind: 'token-expired' } }]);
    await current.runOnce();
    const tokenRequests = current.simulator.requests.filter((request) => request.method === 'POST' && request.url.includes('/oauth2/v2.0/token'));
    expect(tokenRequests).toHaveLength(2);
  });

  it('starts over when the delta cursor was evicted', async () => {
    const current = await annaWith(3);
    await current.runOnce();
    current.simulator.faults.add({ method: 'GET', path: /deltatoken/i, times: 1, action: { kind: 'sync-state-not-found' } });

    const second = await current.runOnce();

    expect(second.status).toBe('ok');
    expect(second.messagesArchived).toBe(0);
    expect(second.alreadyArchived).toBe(3);
    expect(await current.archivedFiles()).toHaveLength(3);
  });
});

describe('faults that skip one message', () => {
  it('records a message deleted after listing and forgets it next run', async () => {
    const current = await annaWith(4, [{ method: 'GET', path: /\$value/, times: 1, action: { kind: 'message-deleted' } }]);

    const first = await current.runOnce();
    expect(first.status).toBe('partial');
    expect(first.itemFailures.map((failure) => failure.code)).toEqual(['MESSAGE_NOT_FOUND']);
    expect(first.messagesMarked).toBe(3);
    await expectMarksBackedByFiles(current);

    const second = await current.runOnce();
    expect(second.status).toBe('ok');
    expect(second.itemFailures).toEqual([]);
  });

  it('retries a conversion failure next run', async () => {
    const current = await annaWith(3, [{ method: 'GET', path: /\$value/, times: 1, action: { kind: 'mime-conversion-failed' } }]);

    const first = await current.runOnce();
    expect(first.itemFailures.map((failure) => failure.code)).toEqual(['MIME_CONVERSION_FAILED']);
    expect(markedCount(current)).toBe(2);

    const second = await current.runOnce();
    expect(second.status).toBe('ok');
    expect(second.messagesMarked).toBe(1);
    expect(markedCount(current)).toBe(3);
    expect(await current.archivedFiles()).toHaveLength(3);
  });

  it('gives up on a message whose download is always cut off', async () => {
    const current = await annaWith(2);
    const [victim] = current.simulator.state.listMessages(ANNA, 'Abholordner');
    const escapedId = (victim?.immutableId ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    current.simulator.faults.add({ method: 'GET', path: new RegExp(`${escapedId}/\\$value`), action: { kind: 'reset-mid-body', afterBytes: 10 } });

    const result = await current.runOnce();

    expect(result.itemFailures.map((failure) => failure.code)).toEqual(['NETWORK_CONNECTION_RESET']);
    expect(result.itemFailures[0]?.messageId).toBe(victim?.immutableId);
    expect(current.simulator.faults.hits()[0]).toBe(3);
    expect(markedCount(current)).toBe(1);
    await expectMarksBackedByFiles(current);
  });
});

describe('faults that stop a mailbox', () => {
  async function twoMailboxes(options: { deniedMailboxes?: string[]; annaHasMailbox?: boolean }) {
    environment = await startAgentEnvironment({
      content: tenant([
        mailbox(ANNA, [folder('Abholordner', invoices(2))], options.annaHasMailbox ?? true),
        mailbox(BUCHHALTUNG, [folder('Abholordner', [textMessage({ subject: 'Beleg 1' }), textMessage({ subject: 'Beleg 2' })])]),
      ]),
      pickups: [
        // A user without mailbox has no folders to look up; any well-formed ID does.
        { mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false, ...(options.annaHasMailbox === false ? { pickupFolderId: 'inbox' } : {}) },
        { mailbox: BUCHHALTUNG, folderPath: 'Abholordner', includeSubfolders: false },
      ],
      simulator: { accessDeniedMailboxes: options.deniedMailboxes ?? [] },
    });
    return environment;
  }

  it('reports a mailbox outside the access policy and archives the others', async () => {
    const current = await twoMailboxes({ deniedMailboxes: [ANNA] });

    const result = await current.runOnce();

    expect(result.status).toBe('partial');
    const anna = result.mailboxes.find((entry) => entry.mailbox === ANNA);
    expect(anna?.failure?.code).toBe('MAILBOX_ACCESS_DENIED');
    expect(result.mailboxes.find((entry) => entry.mailbox === BUCHHALTUNG)?.messagesMarked).toBe(2);
  });

  it('reports a user without mailbox and archives the others', async () => {
    const current = await twoMailboxes({ annaHasMailbox: false });

    const result = await current.runOnce();

    expect(result.mailboxes.find((entry) => entry.mailbox === ANNA)?.failure?.code).toBe('MAILBOX_NOT_ENABLED');
    expect(result.mailboxes.find((entry) => entry.mailbox === BUCHHALTUNG)?.messagesMarked).toBe(2);
  });

  it('stops a mailbox at its first 403 on PATCH', async () => {
    const current = await twoMailboxes({});
    current.simulator.faults.add({ method: 'PATCH', path: /\/messages\//, action: { kind: 'access-denied' } });

    const result = await current.runOnce();

    for (const entry of result.mailboxes) {
      expect(entry.failure?.code).toBe('MAILBOX_ACCESS_DENIED');
      expect(entry.messagesMarked).toBe(0);
    }
    const patches = current.simulator.requests.filter((request) => request.method === 'PATCH');
    expect(patches).toHaveLength(2);
    expect(markedCount(current)).toBe(0);
  });
});
