import { writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { folder, mailbox, tenant, textMessage } from './support/small-tenant.js';
import { mountReadOnlyWithFolder, mountTmpfs, tmpfsUnavailableReason } from './support/tmpfs.js';

const ANNA = 'anna.schmidt@musterfirma.de';
const unavailable = tmpfsUnavailableReason();
if (unavailable) {
  console.log(`agent-disk tests skipped: ${unavailable}`);
}

let environment: AgentEnvironment | undefined;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await environment?.close();
  environment = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const bigMessages = () =>
  Array.from({ length: 3 }, (_, index) => textMessage({ subject: `Scan ${index + 1}`, body: 'x'.repeat(200 * 1024) }));

function markedCount(current: AgentEnvironment) {
  return current.simulator.state.listMessages(ANNA, 'Abholordner').filter((message) => message.categories.includes('Archiviert')).length;
}

describe.skipIf(unavailable !== undefined)('target disk', () => {
  it('stops with TARGET_DISK_FULL and marks nothing', async () => {
    const disk = mountTmpfs('1m');
    cleanups.push(disk.unmount);
    const targetDir = path.join(disk.dir, 'import');
    // Leave about 100 KiB free, less than one message needs.
    const free = await statfs(disk.dir);
    writeFileSync(path.join(disk.dir, 'filler'), Buffer.alloc(Math.max(0, free.bavail * free.bsize - 100 * 1024)));

    environment = await startAgentEnvironment({
      content: tenant([mailbox(ANNA, [folder('Abholordner', bigMessages())])]),
      pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
      targetDir,
    });

    const cli = await environment.runCli(['once']);

    expect(cli.code).toBe(2);
    expect(cli.stdout).toContain('TARGET_DISK_FULL');
    expect(cli.stdout).toContain('Free space on the volume');
    expect(markedCount(environment)).toBe(0);
    expect(await environment.archivedFiles()).toEqual([]);
  });

  it('says so in German', async () => {
    const disk = mountTmpfs('1m');
    cleanups.push(disk.unmount);
    const free = await statfs(disk.dir);
    writeFileSync(path.join(disk.dir, 'filler'), Buffer.alloc(Math.max(0, free.bavail * free.bsize - 100 * 1024)));
    environment = await startAgentEnvironment({
      content: tenant([mailbox(ANNA, [folder('Abholordner', bigMessages())])]),
      pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
      targetDir: path.join(disk.dir, 'import'),
    });

    const cli = await environment.runCli(['once'], { LANG: 'de_DE.UTF-8' });

    expect(cli.stdout).toContain('ist voll');
    expect(cli.stdout).toContain('Schaffen Sie Platz');
  });

  it('stops with TARGET_NOT_WRITABLE on a read-only target', async () => {
    const readOnly = mountReadOnlyWithFolder('import');
    cleanups.push(readOnly.unmount);
    environment = await startAgentEnvironment({
      content: tenant([mailbox(ANNA, [folder('Abholordner', bigMessages())])]),
      pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
      targetDir: readOnly.folder,
    });

    const cli = await environment.runCli(['once']);

    expect(cli.code).toBe(2);
    expect(cli.stdout).toContain('TARGET_NOT_WRITABLE');
    expect(markedCount(environment)).toBe(0);
  });
});
