import { createHash } from 'node:crypto';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sidecar } from '../src-agent/archive/sidecar.js';
import { startAgentEnvironment, readJson, type AgentEnvironment } from './support/agent-harness.js';
import { folder, invoices, mailbox, tenant, textMessage, textMime } from './support/small-tenant.js';

const ANNA = 'anna.schmidt@musterfirma.de';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let environment: AgentEnvironment | undefined;
afterEach(async () => {
  await environment?.close();
  environment = undefined;
});

function annaTenant() {
  return tenant([
    mailbox(ANNA, [
      folder('Posteingang', [textMessage({ subject: 'Nicht archivieren' })]),
      folder('Archiv', [], [
        folder('Abholordner', [
          ...invoices(6),
          textMessage({ subject: 'Angebot für Umbau – Bürofläche 2. OG', categories: ['Rot', 'Wichtig'] }),
        ], [folder('Verträge', [textMessage({ subject: 'Mietvertrag Lager Süd' })])]),
      ]),
    ]),
  ]);
}

describe('archive run', () => {
  it('stores every message byte for byte with sidecar and journal', async () => {
    environment = await startAgentEnvironment({
      content: annaTenant(),
      pickups: [{ mailbox: ANNA, folderPath: 'Archiv/Abholordner', includeSubfolders: true }],
    });
    const result = await environment.runOnce();

    expect(result.status).toBe('ok');
    expect(result.messagesArchived).toBe(8);
    expect(result.messagesMarked).toBe(8);

    const files = await environment.archivedFiles();
    expect(files).toHaveLength(8);
    const served = [
      ...environment.simulator.state.listMessages(ANNA, 'Archiv/Abholordner'),
      ...environment.simulator.state.listMessages(ANNA, 'Archiv/Abholordner/Verträge'),
    ];
    const rows = environment.ledgerRows();
    expect(rows).toHaveLength(8);

    for (const message of served) {
      const row = rows.find((candidate) => candidate.messageId === message.immutableId);
      expect(row?.state).toBe('marked');
      const mime = await environment.simulator.state.readMime(ANNA, message.immutableId);
      const stored = await readFile(path.join(environment.targetDir, `${row?.fileName}.eml`));
      expect(stored.equals(mime)).toBe(true);
      expect(row?.sha256).toBe(sha256(mime));

      const sidecar = await readJson<Sidecar>(path.join(environment.targetDir, `${row?.fileName}.json`));
      expect(sidecar.schemaVersion).toBe(1);
      expect(sidecar.sha256).toBe(sha256(mime));
      expect(sidecar.size).toBe(mime.length);
      expect(sidecar.message.id).toBe(message.immutableId);
      expect(sidecar.mailbox.address).toBe(ANNA);
      const expectedPath = message.subject === 'Mietvertrag Lager Süd' ? ['Archiv', 'Abholordner', 'Verträge'] : ['Archiv', 'Abholordner'];
      expect(sidecar.message.folderPath).toEqual(expectedPath);
    }

    const journal = (await readFile(path.join(environment.dataDir, 'journal', `${rows[0]?.mailboxId}.jsonl`), 'utf8')).trim().split('\n');
    expect(journal).toHaveLength(8);
    const verify = await environment.runCli(['verify']);
    expect(verify.stdout).toContain('no difference');
    expect(verify.code).toBe(0);
  });

  it('sets the category and keeps earlier ones', async () => {
    environment = await startAgentEnvironment({
      content: annaTenant(),
      pickups: [{ mailbox: ANNA, folderPath: 'Archiv/Abholordner', includeSubfolders: false }],
    });
    await environment.runOnce();

    const messages = environment.simulator.state.listMessages(ANNA, 'Archiv/Abholordner');
    for (const message of messages) {
      expect(message.categories).toContain('Archiviert');
    }
    const offer = messages.find((message) => message.subject.startsWith('Angebot'));
    expect(offer?.categories.sort()).toEqual(['Archiviert', 'Rot', 'Wichtig']);
    const untouched = environment.simulator.state.listMessages(ANNA, 'Posteingang');
    expect(untouched[0]?.categories).toEqual([]);
  });

  it('keeps a category a user set between listing and marking', async () => {
    environment = await startAgentEnvironment({
      content: tenant([mailbox(ANNA, [folder('Abholordner', [textMessage({ subject: 'Rechnung 4711' })])])]),
      pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
    });
    const [message] = environment.simulator.state.listMessages(ANNA, 'Abholordner');
    environment.simulator.faults.add({
      method: 'PATCH',
      path: /\/messages\//,
      times: 1,
      action: {
        kind: 'before',
        callback: (simulator) => simulator.state.setCategoriesAsUser(ANNA, message?.immutableId ?? '', ['Blau']),
      },
    });

    const result = await environment.runOnce();

    expect(result.messagesMarked).toBe(1);
    expect(environment.simulator.state.getMessage(ANNA, message?.immutableId ?? '')?.categories.sort()).toEqual(['Archiviert', 'Blau']);
    const patches = environment.simulator.requests.filter((request) => request.method === 'PATCH');
    expect(patches.map((request) => request.status)).toEqual([412, 200]);
  });

  it('archives a message that carries the category by hand', async () => {
    environment = await startAgentEnvironment({
      content: tenant([mailbox(ANNA, [folder('Abholordner', [textMessage({ subject: 'Schon markiert', categories: ['Archiviert'] })])])]),
      pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
    });

    const result = await environment.runOnce();

    expect(result.messagesArchived).toBe(1);
    expect(await environment.archivedFiles()).toHaveLength(1);
    expect(environment.ledgerRows()[0]?.state).toBe('marked');
  });

  it('archives nothing twice and finds new subfolders', async () => {
    environment = await startAgentEnvironment({
      content: annaTenant(),
      pickups: [{ mailbox: ANNA, folderPath: 'Archiv/Abholordner', includeSubfolders: true }],
    });
    await environment.runOnce();
    const first = await environment.archivedFiles();

    const second = await environment.runOnce();
    expect(second.messagesArchived).toBe(0);
    expect(second.messagesMarked).toBe(0);
    expect(await environment.archivedFiles()).toEqual(first);
    const secondRunPatches = environment.simulator.requests.filter((request) => request.method === 'PATCH');
    expect(secondRunPatches).toHaveLength(8);

    environment.simulator.state.addFolder(ANNA, 'Archiv/Abholordner', 'Neu 2027');
    environment.simulator.state.addMessage(ANNA, 'Archiv/Abholordner/Neu 2027', textMime({ subject: 'Neuer Ordner, neue Rechnung' }));
    const third = await environment.runOnce();
    expect(third.messagesArchived).toBe(1);
    expect(await environment.archivedFiles()).toHaveLength(first.length + 1);
  });

  it('verify fails after a changed byte or a removed file', async () => {
    environment = await startAgentEnvironment({
      content: annaTenant(),
      pickups: [{ mailbox: ANNA, folderPath: 'Archiv/Abholordner', includeSubfolders: false }],
    });
    await environment.runOnce();
    const [first, second] = await environment.archivedFiles();

    const firstPath = path.join(environment.targetDir, first ?? '');
    const original = await readFile(firstPath);
    const changed = Buffer.from(original);
    changed[changed.length - 3] = (changed[changed.length - 3] ?? 0) ^ 0x01;
    await writeFile(firstPath, changed);
    const afterChange = await environment.runCli(['verify', '--json']);
    expect(afterChange.code).toBe(1);
    expect(JSON.parse(afterChange.stdout).report.problems.map((problem: { code: string }) => problem.code)).toEqual(['ARCHIVE_FILE_CHANGED']);

    await writeFile(firstPath, original);
    await rm(path.join(environment.targetDir, second ?? ''));
    const afterRemove = await environment.runCli(['verify', '--json']);
    expect(afterRemove.code).toBe(1);
    expect(JSON.parse(afterRemove.stdout).report.problems.map((problem: { code: string }) => problem.code)).toEqual(['ARCHIVE_FILE_MISSING']);

    await environment.reconfigure({ importFolder: true });
    const asImportFolder = await environment.runCli(['verify', '--json']);
    expect(asImportFolder.code).toBe(0);
    expect(JSON.parse(asImportFolder.stdout).report.takenByImporter).toBe(1);

    await appendFile(path.join(environment.dataDir, 'journal', `${environment.ledgerRows()[0]?.mailboxId}.jsonl`), '{"seq":99}\n');
    const afterJournalEdit = await environment.runCli(['verify', '--json']);
    expect(afterJournalEdit.code).toBe(1);
  });
});
