import { spawn, spawnSync } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../src-agent/run/agent.js';
import { defaultSecretStores, KeychainSecretStore } from '../src-agent/secrets/secret-store.js';
import { filesBelow, REPOSITORY_ROOT, runCli, startAgentEnvironment, type AgentEnvironment, type CliResult } from './support/agent-harness.js';
import { missingKeyringTools, startKeyringSession, type KeyringSession } from './support/keyring-session.js';
import { folder, invoices, mailbox, tenant } from './support/small-tenant.js';

const ANNA = 'anna.schmidt@musterfirma.de';

const missingTools = await missingKeyringTools();
const hasScript = spawnSync('script', ['--version']).status === 0;
if (missingTools.length > 0) {
  console.log(`Agent tests with a GNOME Keyring skipped: ${missingTools.join(', ')} not found (Debian packages dbus-daemon, gnome-keyring, libglib2.0-bin).`);
}

let session: KeyringSession | undefined;
let environment: AgentEnvironment | undefined;

beforeAll(async () => {
  if (missingTools.length === 0) {
    session = await startKeyringSession({ unlock: true });
  }
});
afterAll(async () => {
  await session?.stop();
});
afterEach(async () => {
  await environment?.close();
  environment = undefined;
});

async function anna(): Promise<AgentEnvironment> {
  environment = await startAgentEnvironment({
    content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(3))])]),
    pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
  });
  return environment;
}


/** Lists the files below `dirs` whose bytes contain `secret`. */
async function filesContaining(secret: string, dirs: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const dir of dirs) {
    for (const file of await filesBelow(dir)) {
      if ((await readFile(file)).includes(Buffer.from(secret, 'utf8'))) hits.push(file);
    }
  }
  return hits;
}

/** Spawns the CLI through tsx like runCli in agent-harness.ts, with `input` on stdin and no secret in the environment. */
function runCliWithInput(dataDir: string, args: string[], input: string, env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['--data-dir', dataDir, ...args], { AZURE_CLIENT_SECRET: '', ...env }, input);
}

/**
 * Runs `secret set` on a pseudo-terminal made by util-linux `script`, types `keys` once the
 * prompt has appeared, and returns everything the terminal showed.
 */
function typeIntoPrompt(dataDir: string, args: string[], keys: string): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, '--import', 'tsx', path.join(REPOSITORY_ROOT, 'src-agent/cli/main.ts'), '--data-dir', dataDir, ...args]
    .map((part) => `'${part.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  return new Promise((resolve, reject) => {
    const terminal = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', AZURE_CLIENT_SECRET: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let typed = false;
    terminal.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      if (!typed && screen.includes('(input stays hidden): ')) {
        typed = true;
        terminal.stdin.write(keys);
      }
    });
    terminal.on('error', reject);
    terminal.on('close', (code) => resolve({ code, screen }));
  });
}

interface StatusJson {
  ok: boolean;
  secrets: Array<{ secret: string; places: Array<{ store: string; place: string; state: string }> }>;
}

describe.skipIf(missingTools.length > 0)('agent with the secret only in the keychain', () => {
  it('archives and writes the secret nowhere', async () => {
    const current = await anna();
    const secret = current.simulator.clientSecret;
    await new KeychainSecretStore().set({ kind: 'client-secret', clientId: current.simulator.clientId }, secret);

    const agent = await createAgent({ dataDir: current.dataDir, secretStores: defaultSecretStores({ env: {} }) });
    let result;
    try {
      result = await agent.runOnce();
    } finally {
      await agent.close();
    }

    expect(result.status).toBe('ok');
    expect(result.messagesMarked).toBe(3);
    expect(await current.archivedFiles()).toHaveLength(3);
    const log = (await Promise.all((await filesBelow(path.join(current.dataDir, 'logs'))).map((file) => readFile(file, 'utf8')))).join('');
    expect(log).toContain('client secret loaded');
    expect(log).toContain(`Secret Service keyring (service \\"M365 Mail Archiver\\", account \\"${current.simulator.clientId}\\")`);
    expect(await filesContaining(secret, [current.workDir])).toEqual([]);
    // GNOME Keyring encrypts its file with the keyring password, so not even the keyring file contains the plain value.
    expect(await filesContaining(secret, [session!.homeDir])).toEqual([]);

    await new KeychainSecretStore().delete({ kind: 'client-secret', clientId: current.simulator.clientId });
  });
});

describe.skipIf(missingTools.length > 0)('secret CLI', () => {
  it('sets from stdin, reports status, runs, deletes', async () => {
    const current = await anna();
    const secret = current.simulator.clientSecret;

    const before = await runCliWithInput(current.dataDir, ['--json', 'secret', 'status'], '');
    expect(before.code).toBe(1);
    const beforeStatus = JSON.parse(before.stdout) as StatusJson;
    expect(beforeStatus.ok).toBe(false);
    expect(beforeStatus.secrets[0]!.places.map((place) => [place.store, place.state])).toEqual([
      ['environment', 'missing'],
      ['keychain', 'missing'],
    ]);

    const set = await runCliWithInput(current.dataDir, ['secret', 'set'], `${secret}\n`);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`The client secret of app ${current.simulator.clientId} was stored in Secret Service keyring`);
    expect(set.stderr).toBe('');

    const status = await runCliWithInput(current.dataDir, ['secret', 'status'], '');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('1. environment variable AZURE_CLIENT_SECRET: empty');
    expect(status.stdout).toMatch(/2\. Secret Service keyring \(service "M365 Mail Archiver", account "[0-9a-f-]+"\): contains a value, in use/);

    const once = await runCliWithInput(current.dataDir, ['once'], '');
    expect(once.code).toBe(0);
    expect(await current.archivedFiles()).toHaveLength(3);

    const removed = await runCliWithInput(current.dataDir, ['secret', 'delete'], '');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('was deleted from Secret Service keyring');
    expect((await runCliWithInput(current.dataDir, ['secret', 'status'], '')).code).toBe(1);

    for (const output of [before, set, status, once, removed]) {
      expect(output.stdout + output.stderr).not.toContain(secret);
    }
    expect(await filesContaining(secret, [current.workDir])).toEqual([]);
  });

  it('rejects empty input in German', async () => {
    const current = await anna();
    const result = await runCliWithInput(current.dataDir, ['secret', 'set'], ' \n', { LANG: 'de_DE.UTF-8' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('Es wurde kein Wert eingegeben, deshalb wurde nichts gespeichert.\n');
    expect(await new KeychainSecretStore().get({ kind: 'client-secret', clientId: current.simulator.clientId })).toBeUndefined();
  });

  it('warns about a GUID but stores it', async () => {
    const current = await anna();
    const secretId = '0b9d3a52-6f1e-4c7a-9d2b-8e5f4a3c2b1d';
    const ref = { kind: 'client-secret', clientId: current.simulator.clientId } as const;

    const result = await runCliWithInput(current.dataDir, ['secret', 'set'], secretId);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Warning [INPUT_SECRET_IS_ID]');
    expect(result.stderr).toContain('not the "Secret ID"');
    expect(await new KeychainSecretStore().get(ref)).toBe(secretId);
    await new KeychainSecretStore().delete(ref);
  });

  it('notes a secret that the agent reads first', async () => {
    const current = await anna();
    const ref = { kind: 'client-secret', clientId: current.simulator.clientId } as const;

    const result = await runCliWithInput(current.dataDir, ['secret', 'set'], 'keychain~value~0123', { AZURE_CLIENT_SECRET: 'shell~value~0123' });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Note: the agent reads environment variable AZURE_CLIENT_SECRET first');
    await new KeychainSecretStore().delete(ref);
  });

  it('stores the proxy password under the proxy account', async () => {
    const current = await anna();
    await current.reconfigure({ extra: { proxy: { url: 'http://127.0.0.1:3128', username: 'archiver' } } });

    const set = await runCliWithInput(current.dataDir, ['secret', 'set', '--proxy'], 'proxy pass\n');
    const status = await runCliWithInput(current.dataDir, ['--json', 'secret', 'status'], '', { AZURE_CLIENT_SECRET: current.simulator.clientSecret });

    expect(set.code).toBe(0);
    expect(set.stdout).toContain('account "proxy:archiver@127.0.0.1:3128"');
    expect(await new KeychainSecretStore().get({ kind: 'proxy-password', proxyUrl: 'http://127.0.0.1:3128', username: 'archiver' })).toBe('proxy pass');
    const parsed = JSON.parse(status.stdout) as StatusJson;
    expect(parsed.ok).toBe(true);
    expect(parsed.secrets.map((entry) => [entry.secret, entry.places.find((place) => place.state === 'found')?.store])).toEqual([
      ['client-secret', 'environment'],
      ['proxy-password', 'keychain'],
    ]);
    await new KeychainSecretStore().delete({ kind: 'proxy-password', proxyUrl: 'http://127.0.0.1:3128', username: 'archiver' });
  });

  it('writes an owner-only secret file with --store file', async () => {
    const current = await anna();
    const secretFile = path.join(current.dataDir, 'client-secret');
    await current.reconfigure({ extra: { secretFile } });

    const set = await runCliWithInput(current.dataDir, ['secret', 'set', '--store', 'file'], `${current.simulator.clientSecret}\n`);
    const once = await runCliWithInput(current.dataDir, ['once'], '');

    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`was stored in secret file ${secretFile}`);
    expect(once.code).toBe(0);
    expect(await current.archivedFiles()).toHaveLength(3);
  });

  it('status shows an insecure file blocking the keychain', async () => {
    const current = await anna();
    const secretFile = path.join(current.dataDir, 'too-open');
    await writeFile(secretFile, 'file~value~0123\n', { mode: 0o644 });
    await chmod(secretFile, 0o644);
    await current.reconfigure({ extra: { secretFile } });
    const ref = { kind: 'client-secret', clientId: current.simulator.clientId } as const;
    await new KeychainSecretStore().set(ref, 'keychain~value~0123');

    const status = await runCliWithInput(current.dataDir, ['secret', 'status'], '');
    const json = await runCliWithInput(current.dataDir, ['--json', 'secret', 'status'], '');

    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`2. secret file ${secretFile}: failed`);
    expect(status.stdout).toContain('[SECRET_FILE_INSECURE]');
    expect(status.stdout).toMatch(/3\. Secret Service keyring .*: contains a value\n/);
    expect(status.stdout).toContain('The agent stops at the failure above and reads no further place.');
    expect((JSON.parse(json.stdout) as { secrets: Array<{ inUse: string | null }> }).secrets[0]!.inUse).toBeNull();
    await new KeychainSecretStore().delete(ref);
  });

  it.skipIf(!hasScript)('prompts without echo on a terminal', async () => {
    const current = await anna();
    const secretFile = path.join(current.dataDir, 'typed-secret');
    await current.reconfigure({ extra: { secretFile } });

    const typed = await typeIntoPrompt(current.dataDir, ['secret', 'set', '--store', 'file'], 'typed~secret~value\r');

    expect(typed.code).toBe(0);
    expect(typed.screen).toContain('was stored in secret file');
    expect(typed.screen).not.toContain('typed~secret~value');
    expect(await readFile(secretFile, 'utf8')).toBe('typed~secret~value\n');
  });

  it.skipIf(!hasScript)('cancels the prompt on Ctrl+C', async () => {
    const current = await anna();
    const secretFile = path.join(current.dataDir, 'cancelled-secret');
    await current.reconfigure({ extra: { secretFile } });

    const typed = await typeIntoPrompt(current.dataDir, ['secret', 'set', '--store', 'file'], 'half\u0003');

    expect(typed.code).toBe(2);
    expect(typed.screen).toContain('Cancelled; nothing was stored.');
    expect(await readFile(secretFile, 'utf8').catch(() => 'no file')).toBe('no file');
  });
});
