import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultStagingFolder } from '../src-agent/config/paths.js';
import { CRASH_POINTS, CRASH_VARIABLE } from '../src-agent/run/crash-points.js';
import { startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { folder, invoices, mailbox, tenant } from './support/small-tenant.js';

const ANNA = 'anna.schmidt@musterfirma.de';
const MESSAGES = 6;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let environment: AgentEnvironment | undefined;
afterEach(async () => {
  await environment?.close();
  environment = undefined;
});

/** Checks that every message carrying the archive category has its file in the target with the served bytes, and returns their count. */
async function expectNoMarkWithoutFile(current: AgentEnvironment): Promise<number> {
  const rows = current.ledgerRows();
  let marked = 0;
  for (const message of current.simulator.state.listMessages(ANNA, 'Abholordner')) {
    if (!message.categories.includes('Archiviert')) continue;
    marked++;
    const row = rows.find((candidate) => candidate.messageId === message.immutableId);
    expect(row, `ledger row of marked message ${message.subject}`).toBeDefined();
    const file = await readFile(path.join(current.targetDir, `${row?.fileName}.eml`));
    expect(sha256(file)).toBe(sha256(await current.simulator.state.readMime(ANNA, message.immutableId)));
  }
  return marked;
}

describe('agent killed during a run', () => {
  it.each(CRASH_POINTS.map((point) => [point]))('recovers after SIGKILL at %s', async (point) => {
    environment = await startAgentEnvironment({
      content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(MESSAGES))])]),
      pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
    });

    // The second message to reach the point kills the process. Other messages are mid-way
    // through their own steps at that moment, because four messages are archived at once.
    const crashed = await environment.runCli(['once'], { [CRASH_VARIABLE]: `${point}:2` });
    expect(crashed.signal).toBe('SIGKILL');
    await expectNoMarkWithoutFile(environment);

    const restarted = await environment.runCli(['once']);
    expect(restarted.stderr).not.toContain('Error');
    expect(restarted.code).toBe(0);

    const files = await environment.archivedFiles();
    expect(files).toHaveLength(MESSAGES);
    const sidecars = (await readdir(environment.targetDir)).filter((name) => name.endsWith('.json'));
    expect(sidecars).toHaveLength(MESSAGES);
    expect(await expectNoMarkWithoutFile(environment)).toBe(MESSAGES);

    const rows = environment.ledgerRows();
    expect(rows.map((row) => row.state)).toEqual(Array(MESSAGES).fill('marked'));
    const journal = (await readFile(path.join(environment.dataDir, 'journal', `${rows[0]?.mailboxId}.jsonl`), 'utf8')).trim().split('\n');
    expect(journal).toHaveLength(MESSAGES);
    expect(await readdir(defaultStagingFolder(environment.targetDir))).toEqual([]);

    const verify = await environment.runCli(['verify']);
    expect(verify.code).toBe(0);
  });
});
