import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandContext } from '../src-agent/cli/context.js';
import { runServiceAction, type ServiceDependencies } from '../src-agent/cli/service-command.js';
import type { AgentConfigInput } from '../src-agent/config/schema.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import { currentAgentLaunch } from '../src-agent/service/launch.js';
import type { CommandRunner } from '../src-agent/service/runner.js';
import { runCli } from './support/agent-harness.js';

const SECRET = 'Vb7Q~service-cli-secret-value';

let workDir: string;
let context: CommandContext;
let output: string;
let calls: string[];

beforeEach(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'm365-service-cli-'));
  context = { dataDir: '/var/lib/m365-mail-archiver', configFile: path.join(workDir, 'config.json'), language: 'en', languageFromOption: false, json: false, verbose: false };
  output = '';
  calls = [];
  const config: AgentConfigInput = {
    tenant: 'musterfirma.onmicrosoft.com',
    clientId: '11111111-2222-3333-4444-555555555555',
    mailboxes: [{ mailbox: 'archiv@musterfirma.de', pickupFolderId: 'AAMkAGI2', includeSubfolders: false }],
    target: { folder: '/srv/dms/eingang', importFolder: true },
    proxy: { url: 'http://proxy.musterfirma.de:3128', username: 'archiv' },
  };
  await writeFile(context.configFile!, JSON.stringify(config));
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function dependencies(platform: NodeJS.Platform, answers: Record<string, number> = {}): ServiceDependencies {
  const runner: CommandRunner = async (command, args) => {
    const line = [command, ...args].join(' ');
    calls.push(line);
    return { code: answers[line] ?? 0, stdout: line.startsWith('systemctl show') ? 'LoadState=loaded\nActiveState=inactive\nSubState=dead\nUnitFileState=enabled\n' : '', stderr: '' };
  };
  return {
    runner,
    platform,
    // The entry must exist outside /tmp and /home, where the checkout may be, so the test
    // uses the Node binary in its place.
    launch: { runtime: process.execPath, runtimeArgs: [], entry: process.execPath, electron: false },
    readStdin: async () => `${SECRET}\n`,
    write: (text) => {
      output += text;
    },
    unitDir: workDir,
    isRoot: true,
    isElevated: true,
  };
}

describe('service command', () => {
  it('installs the Linux unit from the config', async () => {
    const code = await runServiceAction('install', context, { credential: 'file', secretStdin: true }, dependencies('linux'));

    expect(code).toBe(0);
    const unit = await readFile(path.join(workDir, 'm365-mail-archiver.service'), 'utf8');
    expect(unit).toContain('ReadWritePaths=-/srv/dms/eingang');
    expect(unit).toContain('ReadWritePaths=-/srv/dms/.eingang.m365-archiver-staging');
    expect(unit).toContain('LoadCredential=m365-archiver-proxy-password:/etc/credstore/m365-archiver-proxy-password');
    expect(calls).toContain('install -m 0600 -o root -g root /dev/stdin /etc/credstore/m365-archiver-client-secret');
    expect(calls.join('\n')).not.toContain(SECRET);
    expect(output).toContain('The service "m365-mail-archiver" was installed and starts with the machine.');
    expect(output).toContain('The client secret was stored as a service credential in /etc/credstore/m365-archiver-client-secret.');
    expect(output).not.toContain(SECRET);
  });

  it('reports in German', async () => {
    const code = await runServiceAction('status', { ...context, language: 'de' }, {}, dependencies('linux'));
    expect(code).toBe(1);
    expect(output).toBe('Der Dienst "m365-mail-archiver" ist eingerichtet, läuft aber nicht (inactive (dead), enabled).\n');
  });

  it('runs WinSW on Windows', async () => {
    const deps = dependencies('win32');
    const runtime = 'C:\\Program Files\\M365 Mail Archiver\\M365 Mail Archiver.exe';
    const code = await runServiceAction('start', context, {}, { ...deps, launch: { ...deps.launch, runtime } });
    expect(code).toBe(0);
    expect(calls).toEqual(['C:\\Program Files\\M365 Mail Archiver\\resources\\winsw\\winsw.exe start C:\\Program Files\\M365 Mail Archiver\\resources\\winsw\\m365-mail-archiver.xml']);
    expect(output).toBe('The service "m365-mail-archiver" was started.\n');
  });

  it('refuses on macOS', async () => {
    const failure = await runServiceAction('install', context, {}, dependencies('darwin')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ArchiverError);
    expect((failure as ArchiverError).code).toBe('SERVICE_PLATFORM_UNSUPPORTED');
    expect(calls).toEqual([]);
  });

  it('lists the subcommands', async () => {
    const help = await runCli(['service', '--help']);
    expect(help.code).toBe(0);
    for (const action of ['install', 'uninstall', 'start', 'stop', 'status']) {
      expect(help.stdout).toContain(action);
    }
  });
});

describe('currentAgentLaunch', () => {
  it('keeps loader options only', () => {
    const launch = currentAgentLaunch({
      execPath: '/usr/bin/node',
      execArgv: ['--inspect=9229', '--import', 'tsx', '--require=./preload.cjs', '--max-old-space-size=512'],
      argv: ['/usr/bin/node', '/opt/app/src-agent/cli/main.ts', 'service', 'install'],
      versions: process.versions,
    });
    expect(launch).toEqual({ runtime: '/usr/bin/node', runtimeArgs: ['--import', 'tsx', '--require=./preload.cjs'], entry: '/opt/app/src-agent/cli/main.ts', electron: false });
  });

  it('detects Electron', () => {
    const launch = currentAgentLaunch({ execPath: '/opt/M365 Mail Archiver/m365-mail-archiver', execArgv: [], argv: ['x', '/opt/M365 Mail Archiver/resources/app.asar/dist/src-agent/cli/main.js'], versions: { ...process.versions, electron: '38.0.0' } });
    expect(launch.electron).toBe(true);
  });
});
