import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ContentMessage } from './m365-sim/content/types.js';
import { REPOSITORY_ROOT, startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { folder, mailbox, tenant } from './support/small-tenant.js';

// Real-world messages written by others. They are read from beside the checkout and never
// copied into the repository. On a machine without them this test skips and prints why.
const CORPUS_DIR = path.resolve(REPOSITORY_ROOT, '../shared/fixtures/mail-corpus');
const corpusFiles = existsSync(CORPUS_DIR) ? readdirSync(CORPUS_DIR).filter((name) => name.endsWith('.eml')).sort() : [];
if (corpusFiles.length === 0) {
  console.log(`mail corpus test skipped: no .eml files in ${CORPUS_DIR}`);
}

const ANNA = 'anna.schmidt@musterfirma.de';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let environment: AgentEnvironment | undefined;
afterAll(async () => {
  await environment?.close();
});

describe.skipIf(corpusFiles.length === 0)('real-world mail corpus', () => {
  it('archives every message byte for byte', async () => {
    const messages: ContentMessage[] = corpusFiles.map((name) => {
      const file = path.join(CORPUS_DIR, name);
      return { mime: { kind: 'file', path: file, size: statSync(file).size } };
    });
    environment = await startAgentEnvironment({
      content: tenant([mailbox(ANNA, [folder('Abholordner', messages)])]),
      pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
    });

    const result = await environment.runOnce();

    expect(result.itemFailures).toEqual([]);
    expect(result.messagesMarked).toBe(corpusFiles.length);
    const archivedHashes = new Set<string>();
    for (const name of await environment.archivedFiles()) {
      archivedHashes.add(sha256(await readFile(path.join(environment.targetDir, name))));
    }
    for (const name of corpusFiles) {
      expect(archivedHashes.has(sha256(await readFile(path.join(CORPUS_DIR, name)))), name).toBe(true);
    }
    const verify = await environment.runCli(['verify']);
    expect(verify.code).toBe(0);
  });
});
