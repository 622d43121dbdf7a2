import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlClient } from '../src-agent/control/client.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import { startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { connectWhenStarted, startAgentProcess, type AgentProcess } from './support/control-agent.js';
import { folder, invoices, mailbox, tenant } from './support/small-tenant.js';
import { mountReadOnlyWithFolder, tmpfsUnavailableReason } from './support/tmpfs.js';

const ANNA = 'anna.schmidt@musterfirma.de';
const unavailable = tmpfsUnavailableReason();
if (unavailable) {
  console.log(`control-target: "read-only folder" skipped: ${unavailable}`);
}

let environment: AgentEnvironment;
let agent: AgentProcess;
let client: ControlClient;

// One agent serves every test here; none of them changes its settings.
beforeAll(async () => {
  environment = await startAgentEnvironment({
    content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(1))])]),
    pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
  });
  agent = startAgentProcess(environment.dataDir, { AZURE_CLIENT_SECRET: environment.simulator.clientSecret });
  client = await connectWhenStarted(agent, environment.dataDir);
});

afterAll(async () => {
  client?.close();
  await agent?.stop();
  await environment?.close();
});

async function failure(promise: Promise<unknown>): Promise<ArchiverError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ArchiverError);
  return error as ArchiverError;
}

describe('testTarget', () => {
  it('configured target is writable', async () => {
    const result = await client.testTarget();

    expect(result.folder).toBe(environment.targetDir);
    expect(result.stagingFolder).toBe(path.join(environment.workDir, '.archive.m365-archiver-staging'));
    expect(result.freeBytes).toBeGreaterThan(0);
    expect(result.totalBytes).toBeGreaterThanOrEqual(result.freeBytes);
    const leftovers = (await readdir(environment.targetDir)).filter((name) => name.includes('write-test'));
    expect(leftovers).toEqual([]);
  });

  it('other writable folder', async () => {
    const other = path.join(environment.workDir, 'dms-import');
    await mkdir(other);

    const result = await client.testTarget({ folder: other });

    expect(result.folder).toBe(other);
    expect(result.stagingFolder).toBe(path.join(environment.workDir, '.dms-import.m365-archiver-staging'));
    expect(await readdir(other)).toEqual([]);
  });

  it('missing folder', async () => {
    const missing = path.join(environment.workDir, 'nicht-da');

    const error = await failure(client.testTarget({ folder: missing }));

    expect(error.code).toBe('TARGET_NOT_FOUND');
    expect(error.details.path).toBe(missing);
  });

  it('relative path rejected', async () => {
    const error = await failure(client.testTarget({ folder: 'relative/import' }));

    expect(error.code).toBe('CONTROL_PROTOCOL_ERROR');
    expect(String(error.details.problem)).toContain('folder: must be an absolute path');
  });

  it.skipIf(unavailable !== undefined)('read-only folder', async () => {
    const readOnly = mountReadOnlyWithFolder('import');
    try {
      const error = await failure(client.testTarget({ folder: readOnly.folder, stagingFolder: path.join(readOnly.dir, 'staging') }));

      expect(error.code).toBe('TARGET_NOT_WRITABLE');
      expect(error.localize('de').message).toContain('Der Agent darf nicht in');
    } finally {
      readOnly.unmount();
    }
  });
});
