import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../src-agent/config/schema.js';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cliPath = join(repositoryRoot, 'test/m365-sim/cli.ts');
const serverReady = existsSync(join(repositoryRoot, 'test/m365-sim/index.ts'));
if (!serverReady) console.log('sim-content-cli: test/m365-sim/index.ts does not exist yet, so the CLI cannot start; its tests are skipped');

const READY_LINE = 'Press Ctrl+C to stop.';

interface Started {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
}

const children: ChildProcessWithoutNullStreams[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGTERM');
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function runCli(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], { cwd: repositoryRoot, env: { ...process.env, FORCE_COLOR: '0' } });
  children.push(child);
  return child;
}

/** Resolves once the CLI printed its ready line; rejects if it exits first. */
function waitUntilReady(child: ChildProcessWithoutNullStreams): Promise<Started> {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes(READY_LINE)) resolvePromise({ child, stdout });
    });
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code} before it was ready: ${stderr}`)));
  });
}

function waitForExit(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

function printedConfig(stdout: string): unknown {
  const start = stdout.indexOf('{', stdout.indexOf('Agent config'));
  const end = stdout.lastIndexOf('}', stdout.indexOf(READY_LINE));
  return JSON.parse(stdout.slice(start, end + 1));
}

function printedValue(stdout: string, label: string): string {
  const match = new RegExp(`^  ${label} +(\\S+)`, 'm').exec(stdout);
  if (!match?.[1]) throw new Error(`no "${label}" line in output:\n${stdout}`);
  return match[1];
}

describe.skipIf(!serverReady)('npm run sim', () => {
  it('serves the demo tenant and prints a valid config', async () => {
    const { child, stdout } = await waitUntilReady(runCli(['--port', '0', '--token-lifetime', '600']));
    const config = configSchema.parse(printedConfig(stdout));

    expect(stdout).toContain('M365 simulator running (demo tenant)');
    expect(config.tenant).toBe('musterfirma.onmicrosoft.com');
    expect(config.mailboxes.map((mailbox) => [mailbox.mailbox, mailbox.pickupFolderPath, mailbox.includeSubfolders])).toEqual([
      ['anna.schmidt@musterfirma.de', 'Archiv/Abholordner', true],
      ['buchhaltung@musterfirma.de', 'Archiv/Abholordner', true],
    ]);
    expect(config.endpoints?.authorityHost).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(stdout).toMatch(/scanner@musterfirma\.de +no Exchange Online mailbox/);
    for (const mailbox of config.mailboxes) expect(stdout).toContain(mailbox.pickupFolderId);

    const exit = waitForExit(child);
    child.kill('SIGTERM');
    expect((await exit).code).toBe(0);
  });

  it('printed credentials reach the pickup folder', async () => {
    const { stdout } = await waitUntilReady(runCli(['--port', '0']));
    const config = configSchema.parse(printedConfig(stdout));
    const secret = printedValue(stdout, 'Client secret');
    const tenantId = /\(tenant ID ([0-9a-f-]{36})\)/.exec(stdout)?.[1];
    const dispatcher = new Agent({ connect: { ca: await readFile(config.extraCaFile!, 'utf8') } });

    try {
      const tokenResponse = await fetch(`${config.endpoints!.authorityHost}/${tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: config.clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' }).toString(),
      });
      const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
      const pickup = config.mailboxes[0]!;
      const folderResponse = await fetch(`${config.endpoints!.graphEndpoint}/v1.0/users/${pickup.mailbox}/mailFolders/${pickup.pickupFolderId}`, {
        dispatcher,
        headers: { authorization: `Bearer ${token}` },
      });

      expect(tokenResponse.status).toBe(200);
      expect(folderResponse.status).toBe(200);
      expect(((await folderResponse.json()) as { displayName: string }).displayName).toBe('Abholordner');
    } finally {
      await dispatcher.close();
    }
  });

  it('serves an .eml tree with a pickup folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-cli-tree-'));
    tempDirs.push(dir);
    await mkdir(join(dir, 'anna@musterfirma.de', 'Archiv', 'Q1%2FQ2 Berichte'), { recursive: true });
    await writeFile(join(dir, 'anna@musterfirma.de', 'Archiv', 'Q1%2FQ2 Berichte', 'a.eml'), 'Subject: x\r\nMessage-ID: <a@x>\r\n\r\nx\r\n');
    await mkdir(join(dir, 'scanner@musterfirma.de'));
    await writeFile(join(dir, 'scanner@musterfirma.de', '.no-mailbox'), '');

    const { stdout } = await waitUntilReady(runCli(['--eml-dir', dir, '--pickup-folder', 'Archiv/Q1%2FQ2 Berichte', '--port', '0']));
    const config = configSchema.parse(printedConfig(stdout));

    expect(stdout).toContain(`(.eml tree ${dir})`);
    expect(config.tenant).toBe('musterfirma.onmicrosoft.com');
    expect(config.mailboxes).toHaveLength(1);
    expect(config.mailboxes[0]).toMatchObject({ mailbox: 'anna@musterfirma.de', pickupFolderPath: 'Archiv/Q1%2FQ2 Berichte' });
  });

  it('missing --eml-dir fails clearly', async () => {
    const missing = join(tmpdir(), 'sim-cli-does-not-exist');
    const result = await waitForExit(runCli(['--eml-dir', missing]));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: EML directory not found: ${missing}`);
  });

  it('rejects an invalid port', async () => {
    const result = await waitForExit(runCli(['--port', '70000']));

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('must be a whole number from 0 to 65535');
  });
});
