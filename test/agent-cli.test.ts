import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultStagingFolder } from '../src-agent/config/paths.js';
import { filesBelow, REPOSITORY_ROOT, startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { folder, invoices, mailbox, tenant } from './support/small-tenant.js';

const ANNA = 'anna.schmidt@musterfirma.de';

let environment: AgentEnvironment | undefined;
afterEach(async () => {
  await environment?.close();
  environment = undefined;
});

async function anna(count = 3) {
  environment = await startAgentEnvironment({
    content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(count))])]),
    pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
  });
  return environment;
}


describe('agent CLI', () => {
  it('names the bad config field in German', async () => {
    const current = await anna();
    const configFile = path.join(current.dataDir, 'config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8'));
    config.mailboxes[0].mailbox = 'anna';
    await writeFile(configFile, JSON.stringify(config));

    const cli = await current.runCli(['once'], { LANG: 'de_DE.UTF-8' });

    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('Fehler [CONFIG_INVALID]: Die Konfiguration ist ungültig bei „mailboxes[0].mailbox“');
    expect(cli.stderr).toContain('muss eine E-Mail-Adresse (Benutzerprinzipalname) oder eine Benutzerobjekt-ID sein');
    expect(cli.stderr).toContain('Abhilfe: Korrigieren oder ergänzen Sie „mailboxes[0].mailbox“');
  });

  it('says where it looked for a missing secret', async () => {
    const current = await anna();
    const cli = await current.runCli(['once'], { AZURE_CLIENT_SECRET: '' });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('[SECRET_MISSING]');
    expect(cli.stderr).toContain('environment variable AZURE_CLIENT_SECRET');
  });

  it('explains a wrong secret with its remedy', async () => {
    const current = await anna();
    const cli = await current.runCli(['once'], { AZURE_CLIENT_SECRET: 'wrong~secret~value~0123456789' });
    expect(cli.code).toBe(2);
    expect(cli.stdout + cli.stderr).toContain('AUTH_SECRET_INVALID');
    expect(cli.stdout + cli.stderr).toContain('not its Secret ID');
    expect(current.simulator.state.listMessages(ANNA, 'Abholordner').some((message) => message.categories.length > 0)).toBe(false);
  });

  it('prints status after a run', async () => {
    const current = await anna();
    expect((await current.runCli(['once'])).code).toBe(0);

    const status = await current.runCli(['status', '--json']);
    const parsed = JSON.parse(status.stdout);
    expect(parsed.counts.marked).toBe(3);
    expect(parsed.runs[0].status).toBe('ok');
    expect(parsed.runs[0].messagesArchived).toBe(3);

    const text = await current.runCli(['status'], { LANG: 'de_DE.UTF-8' });
    expect(text.stdout).toContain('Archiviert und markiert: 3 Nachrichten');
  });

  it('stops cleanly on SIGTERM', async () => {
    const current = await anna();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'src-agent/cli/main.ts'), '--data-dir', current.dataDir, 'run'], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, AZURE_CLIENT_SECRET: current.simulator.clientSecret },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const waitingForNextRun = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('waiting for the next run')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

    await waitingForNextRun;
    child.kill('SIGTERM');

    expect(await exited).toBe(0);
    expect(output).toContain('agent stopped');
    expect(await current.archivedFiles()).toHaveLength(3);
  });

  it('reports a once run stopped by SIGTERM', async () => {
    const current = await anna(12);
    current.simulator.faults.add({ method: 'GET', path: /\$value/, action: { kind: 'latency', ms: 150 } });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'src-agent/cli/main.ts'), '--data-dir', current.dataDir, '--verbose', 'once'], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, AZURE_CLIENT_SECRET: current.simulator.clientSecret, LANG: 'en_US.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const runStarted = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        if (stderr.includes('message stored') || stderr.includes('"archive run started"')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

    await runStarted;
    child.kill('SIGTERM');

    expect(await exited).toBe(1);
    expect(stdout).toContain('The run was stopped before every message was handled');
    const files = await current.archivedFiles();
    expect(files.length).toBeLessThan(12);
    const status = JSON.parse((await current.runCli(['status', '--json'])).stdout);
    expect(status.runs[0].status).toBe('partial');

    const resumed = await current.runCli(['once']);
    expect(resumed.code).toBe(0);
    expect(await current.archivedFiles()).toHaveLength(12);
  });

  it('writes neither secret nor token to any file', async () => {
    const current = await anna(5);
    expect((await current.runCli(['once'])).code).toBe(0);
    expect((await current.runCli(['status'])).code).toBe(0);

    const tokens = new Set(
      current.simulator.requests
        .map((request) => String(request.headers.authorization ?? ''))
        .filter((header) => header.startsWith('Bearer '))
        .map((header) => header.slice('Bearer '.length)),
    );
    expect(tokens.size).toBeGreaterThan(0);

    const files = [
      ...(await filesBelow(current.dataDir)),
      ...(await filesBelow(current.targetDir)),
      ...(await filesBelow(defaultStagingFolder(current.targetDir))),
    ];
    expect(files.some((file) => file.endsWith('.log'))).toBe(true);
    expect(files.some((file) => file.endsWith('state.sqlite'))).toBe(true);
    for (const file of files) {
      if ((await stat(file)).size > 50 * 2 ** 20) continue;
      const content = await readFile(file, 'latin1');
      expect(content.includes(current.simulator.clientSecret), `secret in ${file}`).toBe(false);
      for (const token of tokens) {
        expect(content.includes(token), `token in ${file}`).toBe(false);
      }
    }
  });
});
