import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import type { CommandResult, CommandRunner } from '../src-agent/service/runner.js';
import { parseSystemctlShow, renderUnit, systemdServiceManager, type SystemdInstallPlan } from '../src-agent/service/systemd-service.js';
import { quoteUnitWord, renderSystemdUnit } from '../src-agent/service/systemd-unit.js';
import { REPOSITORY_ROOT } from './support/agent-harness.js';

const SECRET = 'Qx8~secret.value-for-the-unit-test';

interface RecordedCall {
  command: string;
  args: readonly string[];
  input?: string;
}

/** Records every command line and returns the result in `answers` whose key starts the line, else exit code 0. */
function recordingRunner(answers: Record<string, Partial<CommandResult>> = {}): { runner: CommandRunner; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const runner: CommandRunner = async (command, args, options) => {
    calls.push({ command, args, ...(options?.input !== undefined ? { input: options.input } : {}) });
    const key = Object.keys(answers).find((prefix) => [command, ...args].join(' ').startsWith(prefix));
    return { code: 0, stdout: '', stderr: '', ...(key ? answers[key] : {}) };
  };
  return { runner, calls };
}

const line = (call: RecordedCall) => [call.command, ...call.args].join(' ');

let workDir: string;
let plan: SystemdInstallPlan;

beforeEach(async () => {
  // Paths outside /tmp, because the hardened unit cannot see /tmp; nothing is created there.
  // The entry must exist and lie outside /tmp and /home, where a checkout (and CI's clone) may
  // be, so the test uses the Node binary in its place.
  workDir = await mkdtemp(path.join(os.tmpdir(), 'm365-systemd-'));
  plan = {
    launch: { runtime: process.execPath, runtimeArgs: [], entry: process.execPath, electron: false },
    dataDir: '/var/lib/m365-mail-archiver',
    targetFolder: '/srv/archive/eingang',
    stagingFolder: '/srv/archive/.eingang.m365-archiver-staging',
    credentialMode: 'encrypted',
    clientSecret: true,
    proxyPassword: false,
  };
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('systemd unit', () => {
  it('contains the hardening settings', () => {
    const unit = renderUnit(plan);
    for (const setting of [
      'User=m365-archiver',
      'Group=m365-archiver-operators',
      'UMask=0007',
      'Restart=on-failure',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/m365-mail-archiver',
      'ReadWritePaths=-/srv/archive/eingang',
      'ReadWritePaths=-/srv/archive/.eingang.m365-archiver-staging',
      'NoNewPrivileges=yes',
      'PrivateTmp=yes',
      'ProtectHome=yes',
      'ProtectKernelTunables=yes',
      'ProtectControlGroups=yes',
      'RestrictSUIDSGID=yes',
      'LockPersonality=yes',
      'WantedBy=multi-user.target',
    ]) {
      expect(unit.split('\n'), setting).toContain(setting);
    }
  });

  it('passes the secret as a credential', () => {
    const encrypted = renderUnit({ ...plan, proxyPassword: true });
    expect(encrypted).toContain('LoadCredentialEncrypted=m365-archiver-client-secret:/etc/credstore.encrypted/m365-archiver-client-secret');
    expect(encrypted).toContain('LoadCredentialEncrypted=m365-archiver-proxy-password:/etc/credstore.encrypted/m365-archiver-proxy-password');
    expect(renderUnit({ ...plan, credentialMode: 'file' })).toContain('LoadCredential=m365-archiver-client-secret:/etc/credstore/m365-archiver-client-secret');
    expect(renderUnit({ ...plan, clientSecret: false })).not.toContain('LoadCredential');
    expect(encrypted).not.toMatch(/^Environment(File)?=.*(SECRET|PASSWORD)/im);
  });

  it('runs Electron as Node', () => {
    const unit = renderUnit({ ...plan, launch: { runtime: '/opt/M365 Mail Archiver/m365-mail-archiver', runtimeArgs: [], entry: '/opt/M365 Mail Archiver/resources/app.asar/dist/src-agent/cli/main.js', electron: true } });
    expect(unit).toContain('Environment=ELECTRON_RUN_AS_NODE=1');
    expect(unit).toContain('ExecStart="/opt/M365 Mail Archiver/m365-mail-archiver" "/opt/M365 Mail Archiver/resources/app.asar/dist/src-agent/cli/main.js" --data-dir /var/lib/m365-mail-archiver run');
    expect(renderUnit(plan)).not.toContain('ELECTRON_RUN_AS_NODE');
  });

  it('quotes unit words', () => {
    expect(quoteUnitWord('/srv/archive')).toBe('/srv/archive');
    expect(quoteUnitWord('/srv/my archive')).toBe('"/srv/my archive"');
    expect(quoteUnitWord('/srv/100%')).toBe('/srv/100%%');
    expect(quoteUnitWord('/srv/$HOME')).toBe('/srv/$$HOME');
    expect(quoteUnitWord('/srv/say "hi"\\')).toBe('"/srv/say \\"hi\\"\\\\"');
  });

  it('matches the packaged template', async () => {
    const template = await readFile(path.join(REPOSITORY_ROOT, 'packaging/systemd/m365-mail-archiver.service'), 'utf8');
    const body = template.split('\n').filter((text, index, lines) => !(text.startsWith('#') && lines.slice(0, index).every((before) => before.startsWith('#'))));
    expect(body.join('\n')).toBe(renderSystemdUnit(TEMPLATE_UNIT));
  });
});

/** The inputs of packaging/systemd/m365-mail-archiver.service: the .deb layout and an example target. */
const TEMPLATE_UNIT = {
  runtime: '/opt/M365 Mail Archiver/m365-mail-archiver',
  entry: '/opt/M365 Mail Archiver/resources/app.asar/dist/src-agent/cli/main.js',
  electron: true,
  dataDir: '/var/lib/m365-mail-archiver',
  writablePaths: ['/srv/archive', '/srv/.archive.m365-archiver-staging'],
  credentialMode: 'encrypted' as const,
  clientSecret: true,
  proxyPassword: false,
};

const hasAnalyze = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasAnalyze) {
  console.log('service-systemd: the systemd-analyze tests skipped, because systemd-analyze is missing (Debian package systemd)');
}
if (!hasAnalyze) {
  console.warn('systemd-analyze is missing (Debian package systemd), so the generated unit is not verified.');
}

describe.skipIf(!hasAnalyze)('systemd-analyze verify', () => {
  async function verify(unitText: string): Promise<{ status: number | null; output: string }> {
    const file = path.join(workDir, 'm365-mail-archiver.service');
    await writeFile(file, unitText);
    const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    // systemd-analyze also reports on units it pulls in; only lines about our file count.
    const output = `${result.stdout}${result.stderr}`.split('\n').filter((text) => text.includes('m365-mail-archiver')).join('\n');
    return { status: result.status, output };
  }

  it('accepts the generated unit', async () => {
    // verify needs the ExecStart program to exist and be executable.
    const runtime = path.join(workDir, 'install dir', 'm365-mail-archiver');
    await mkdir(path.dirname(runtime), { recursive: true });
    await writeFile(runtime, '#!/bin/sh\nexit 0\n');
    await chmod(runtime, 0o755);
    const unit = renderSystemdUnit({ ...TEMPLATE_UNIT, runtime, writablePaths: ['/srv/archive 100%', '/srv/.archive.m365-archiver-staging'], proxyPassword: true });

    const result = await verify(unit);

    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('reports a unit whose program is missing', async () => {
    const result = await verify(renderSystemdUnit({ ...TEMPLATE_UNIT, runtime: path.join(workDir, 'missing', 'm365-mail-archiver') }));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('not executable');
  });

  it('reports an unknown setting', async () => {
    const runtime = path.join(workDir, 'runtime');
    await writeFile(runtime, '#!/bin/sh\n');
    await chmod(runtime, 0o755);
    const result = await verify(renderSystemdUnit({ ...TEMPLATE_UNIT, runtime }).replace('UMask=0007', 'UMask=0007\nProtectEverything=yes'));
    expect(result.output).toContain("Unknown key 'ProtectEverything'");
  });
});

describe('systemd service install', () => {
  it('creates group, user, folders and the unit', async () => {
    const { runner, calls } = recordingRunner({ 'getent group': { code: 2 }, 'getent passwd': { code: 2 } });
    const manager = systemdServiceManager({ runner, unitDir: workDir, isRoot: true });

    const notes = await manager.install({ ...plan, secret: SECRET });

    expect(calls.map(line)).toEqual([
      'getent group m365-archiver-operators',
      'groupadd --system m365-archiver-operators',
      'getent passwd m365-archiver',
      'useradd --system --gid m365-archiver-operators --home-dir /var/lib/m365-mail-archiver --no-create-home --shell /usr/sbin/nologin --comment M365 Mail Archiver service m365-archiver',
      'install -d -m 2770 -o m365-archiver -g m365-archiver-operators /var/lib/m365-mail-archiver',
      'chown -R m365-archiver:m365-archiver-operators /var/lib/m365-mail-archiver',
      'chmod -R u+rwX,g+rwX,o-rwx /var/lib/m365-mail-archiver',
      'install -d -m 2770 -o m365-archiver -g m365-archiver-operators /srv/archive/.eingang.m365-archiver-staging',
      'chown -R m365-archiver:m365-archiver-operators /srv/archive/.eingang.m365-archiver-staging',
      'chmod -R u+rwX,g+rwX,o-rwx /srv/archive/.eingang.m365-archiver-staging',
      'install -d -m 0700 -o root -g root /etc/credstore.encrypted',
      'systemd-creds encrypt --name=m365-archiver-client-secret - /etc/credstore.encrypted/m365-archiver-client-secret',
      'systemctl daemon-reload',
      'systemctl enable m365-mail-archiver.service',
    ]);
    expect(await readFile(path.join(workDir, 'm365-mail-archiver.service'), 'utf8')).toBe(renderUnit(plan));
    expect(notes.map((note) => note.kind)).toEqual(['secret-stored', 'unit-written', 'target-access']);
  });

  it('passes the secret on stdin only', async () => {
    const { runner, calls } = recordingRunner();
    await systemdServiceManager({ runner, unitDir: workDir, isRoot: true }).install({ ...plan, credentialMode: 'file', secret: SECRET });

    const store = calls.find((call) => call.input !== undefined);
    expect(store).toBeDefined();
    expect(line(store!)).toBe('install -m 0600 -o root -g root /dev/stdin /etc/credstore/m365-archiver-client-secret');
    expect(store?.input).toBe(SECRET);
    expect(calls.filter((call) => call.args.some((arg) => arg.includes(SECRET)))).toEqual([]);
    expect(await readFile(path.join(workDir, 'm365-mail-archiver.service'), 'utf8')).not.toContain(SECRET);
  });

  it('keeps an existing account', async () => {
    const { runner, calls } = recordingRunner();
    await systemdServiceManager({ runner, unitDir: workDir, isRoot: true }).install(plan);
    expect(calls.map((call) => call.command)).not.toContain('groupadd');
    expect(calls.map((call) => call.command)).not.toContain('useradd');
  });

  it('notes a missing secret', async () => {
    const { runner } = recordingRunner();
    const notes = await systemdServiceManager({ runner, unitDir: workDir, isRoot: true }).install(plan);
    expect(notes).toContainEqual({ kind: 'secret-missing', path: '/etc/credstore.encrypted/m365-archiver-client-secret', credentialName: 'm365-archiver-client-secret', mode: 'encrypted' });
  });

  it('needs root', async () => {
    const { runner, calls } = recordingRunner();
    const failure = await systemdServiceManager({ runner, unitDir: workDir, isRoot: false }).install(plan).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ArchiverError);
    expect((failure as ArchiverError).code).toBe('SERVICE_NEEDS_ROOT');
    expect(calls).toEqual([]);
  });

  it('rejects folders the service cannot see', async () => {
    const { runner, calls } = recordingRunner();
    const manager = systemdServiceManager({ runner, unitDir: workDir, isRoot: true });
    for (const changed of [{ dataDir: '/home/anna/data' }, { targetFolder: '/tmp/archive' }, { launch: { ...plan.launch, runtime: '/root/node' } }]) {
      const failure = await manager.install({ ...plan, ...changed }).catch((error: unknown) => error);
      expect((failure as ArchiverError).code, JSON.stringify(changed)).toBe('SERVICE_PATH_UNSUPPORTED');
    }
    expect(calls).toEqual([]);
  });

  it('rejects a missing runtime', async () => {
    const { runner } = recordingRunner();
    const failure = await systemdServiceManager({ runner, unitDir: workDir, isRoot: true })
      .install({ ...plan, launch: { ...plan.launch, runtime: '/opt/nowhere/m365-mail-archiver' } })
      .catch((error: unknown) => error);
    expect((failure as ArchiverError).code).toBe('SERVICE_FILE_MISSING');
    expect((failure as ArchiverError).details.path).toBe('/opt/nowhere/m365-mail-archiver');
  });

  it('reports a failed command without the secret', async () => {
    const { runner } = recordingRunner({ 'systemd-creds': { code: 1, stderr: 'Failed to determine local credential key: No such file or directory' } });
    const failure = await systemdServiceManager({ runner, unitDir: workDir, isRoot: true }).install({ ...plan, secret: SECRET }).catch((error: unknown) => error);

    expect((failure as ArchiverError).code).toBe('SERVICE_COMMAND_FAILED');
    expect((failure as ArchiverError).message).toContain('systemd-creds encrypt');
    expect((failure as ArchiverError).message).toContain('Failed to determine local credential key');
    expect((failure as ArchiverError).details.exitCode).toBe(1);
    expect(JSON.stringify((failure as ArchiverError).toJSON())).not.toContain(SECRET);
  });
});

describe('systemd service control', () => {
  it('starts, stops and uninstalls', async () => {
    const unitFile = path.join(workDir, 'm365-mail-archiver.service');
    await writeFile(unitFile, 'old unit');
    const { runner, calls } = recordingRunner();
    const manager = systemdServiceManager({ runner, unitDir: workDir, isRoot: true });

    await manager.start();
    await manager.stop();
    await manager.uninstall();

    expect(calls.map(line)).toEqual([
      'systemctl start m365-mail-archiver.service',
      'systemctl stop m365-mail-archiver.service',
      'systemctl disable --now m365-mail-archiver.service',
      'systemctl daemon-reload',
    ]);
    expect(existsSync(unitFile)).toBe(false);
  });

  it('reads the status', async () => {
    const { runner, calls } = recordingRunner({ 'systemctl show': { stdout: 'LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\n' } });
    const status = await systemdServiceManager({ runner, isRoot: false }).status();
    expect(calls.map(line)).toEqual(['systemctl show m365-mail-archiver.service --property=LoadState,ActiveState,SubState,UnitFileState']);
    expect(status).toEqual({ installed: true, running: true, enabled: true, detail: 'active (running), enabled' });
  });

  it('parses a missing unit', () => {
    expect(parseSystemctlShow('LoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=\n')).toMatchObject({ installed: false, running: false });
    expect(parseSystemctlShow('LoadState=loaded\nActiveState=failed\nSubState=failed\nUnitFileState=disabled\n')).toMatchObject({ installed: true, running: false, enabled: false });
  });
});

// The real install creates a system user and a unit, so it runs only on a machine where
// systemd is the running init system (not in this container) and no unit of ours exists yet.
const systemdRuns = existsSync('/run/systemd/system');
const ourUnitExists = existsSync('/etc/systemd/system/m365-mail-archiver.service');
let realReason = '';
if (!systemdRuns) {
  realReason = 'systemd is not running here';
} else if (ourUnitExists) {
  realReason = 'a real m365-mail-archiver unit is installed';
} else if (process.geteuid?.() !== 0) {
  realReason = 'not root';
}
if (realReason) {
  console.warn(`skipping the real systemd install: ${realReason}.`);
}

describe.skipIf(realReason !== '')('systemd service on this machine', () => {
  it('installs, reports and removes the unit', async () => {
    const { processRunner } = await import('../src-agent/service/runner.js');
    const dataDir = `/var/lib/m365-archiver-test-${process.pid}`;
    const manager = systemdServiceManager({ runner: processRunner() });
    try {
      await manager.install({ ...plan, dataDir, targetFolder: `${dataDir}-target`, stagingFolder: `${dataDir}-staging`, clientSecret: false });
      const status = await manager.status();
      expect(status.installed).toBe(true);
      expect(status.enabled).toBe(true);
    } finally {
      await manager.uninstall();
      await rm(dataDir, { recursive: true, force: true });
      await rm(`${dataDir}-staging`, { recursive: true, force: true });
    }
    expect((await manager.status()).installed).toBe(false);
  });
});
