import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import type { CommandResult, CommandRunner } from '../src-agent/service/runner.js';
import { parseWinswStatus, renderXml, winswServiceManager, type WinswInstallPlan } from '../src-agent/service/winsw-service.js';
import { DEFAULT_WINDOWS_DATA_DIR, quoteWindowsArgument, renderWinswXml, type WinswXmlOptions } from '../src-agent/service/winsw-xml.js';
import { REPOSITORY_ROOT } from './support/agent-harness.js';

const SCHEMA = path.join(REPOSITORY_ROOT, 'packaging/winsw/winsw.xsd');
const hasXmllint = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasXmllint) {
  console.log('service-winsw: the schema tests skipped, because xmllint is missing (Debian package libxml2-utils)');
}
if (!hasXmllint) {
  console.warn('xmllint is missing (Debian package libxml2-utils), so the WinSW XML is not validated against its schema.');
}

/** The inputs of packaging/winsw/m365-mail-archiver.xml: the installer's default layout. */
const TEMPLATE: WinswXmlOptions = {
  executable: 'C:\\Program Files\\M365 Mail Archiver\\M365 Mail Archiver.exe',
  entry: 'C:\\Program Files\\M365 Mail Archiver\\resources\\app.asar\\dist\\src-agent\\cli\\main.js',
  dataDir: DEFAULT_WINDOWS_DATA_DIR,
  logDir: `${DEFAULT_WINDOWS_DATA_DIR}\\logs\\service`,
  account: { kind: 'local-system' },
};

let workDir: string;
beforeEach(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'm365-winsw-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function validate(xml: string): Promise<{ status: number | null; output: string }> {
  const file = path.join(workDir, `config-${Math.random().toString(36).slice(2)}.xml`);
  await writeFile(file, xml);
  const result = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, file], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('WinSW XML', () => {
  it('names the agent, its data directory and Node mode', () => {
    const xml = renderWinswXml(TEMPLATE);
    expect(xml).toContain('<id>m365-mail-archiver</id>');
    expect(xml).toContain('<executable>C:\\Program Files\\M365 Mail Archiver\\M365 Mail Archiver.exe</executable>');
    expect(xml).toContain('<arguments>"C:\\Program Files\\M365 Mail Archiver\\resources\\app.asar\\dist\\src-agent\\cli\\main.js" --data-dir "%ProgramData%\\M365 Mail Archiver" run</arguments>');
    expect(xml).toContain('<env name="ELECTRON_RUN_AS_NODE" value="1"/>');
    expect(xml).toContain('<onfailure action="restart" delay="10 sec"/>');
    expect(xml).toContain('<stoptimeout>60 sec</stoptimeout>');
    expect(xml).toContain('<username>LocalSystem</username>');
    expect(xml).not.toContain('<password>');
  });

  it('escapes XML and quotes arguments', () => {
    const xml = renderWinswXml({ ...TEMPLATE, entry: 'D:\\Apps & Tools\\<main>.js', dataDir: 'D:\\Daten\\"Archiv"' });
    expect(xml).toContain('<arguments>"D:\\Apps &amp; Tools\\&lt;main&gt;.js" --data-dir "D:\\Daten\\\\\\"Archiv\\"" run</arguments>');
  });

  it('quotes Windows arguments', () => {
    expect(quoteWindowsArgument('C:\\plain\\path')).toBe('C:\\plain\\path');
    expect(quoteWindowsArgument('C:\\with space\\')).toBe('"C:\\with space\\\\"');
    expect(quoteWindowsArgument('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteWindowsArgument('')).toBe('""');
  });

  it('allows a named account to log on as a service', () => {
    const xml = renderWinswXml({ ...TEMPLATE, account: { kind: 'account', username: 'MUSTERFIRMA\\svc-archiv$' } });
    expect(xml).toContain('<username>MUSTERFIRMA\\svc-archiv$</username>');
    expect(xml).toContain('<allowservicelogon>true</allowservicelogon>');
    expect(renderWinswXml({ ...TEMPLATE, account: { kind: 'account', username: 'NT AUTHORITY\\NetworkService' } })).not.toContain('allowservicelogon');
  });

  it('matches the packaged template', async () => {
    const template = await readFile(path.join(REPOSITORY_ROOT, 'packaging/winsw/m365-mail-archiver.xml'), 'utf8');
    expect(template).toBe(renderWinswXml(TEMPLATE));
  });
});

describe.skipIf(!hasXmllint)('WinSW XML schema', () => {
  it('accepts the generated XML', async () => {
    for (const account of [{ kind: 'local-system' as const }, { kind: 'account' as const, username: '.\\archiv' }]) {
      const result = await validate(renderWinswXml({ ...TEMPLATE, account, entry: 'C:\\A & B\\main.js' }));
      expect(result.output).toContain('validates');
      expect(result.status).toBe(0);
    }
  });

  it('rejects an unknown element', async () => {
    const result = await validate(renderWinswXml(TEMPLATE).replace('<startmode>', '<interactive/>\r\n  <startmode>'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('interactive');
  });

  it('rejects a missing id', async () => {
    const result = await validate(renderWinswXml(TEMPLATE).replace(/ {2}<id>.*<\/id>\r\n/, ''));
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/Expected is \( id \)/);
  });

  it('rejects a password and a bad duration', async () => {
    const withPassword = renderWinswXml({ ...TEMPLATE, account: { kind: 'account', username: '.\\archiv' } }).replace('</username>', '</username>\r\n    <password>geheim</password>');
    expect((await validate(withPassword)).status).not.toBe(0);
    expect((await validate(renderWinswXml(TEMPLATE).replace('60 sec', 'one minute'))).status).not.toBe(0);
  });
});

interface RecordedCall {
  command: string;
  args: readonly string[];
}

/** Records every command line and returns the result in `answers` for it (keyed by the whole line), else exit code 0. */
function recordingRunner(answers: Record<string, Partial<CommandResult>> = {}): { runner: CommandRunner; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const runner: CommandRunner = async (command, args) => {
    calls.push({ command, args });
    return { code: 0, stdout: '', stderr: '', ...answers[[command, ...args].join(' ')] };
  };
  return { runner, calls };
}

describe('WinSW service', () => {
  async function setup() {
    const winsw = path.join(workDir, 'winsw.exe');
    const executable = path.join(workDir, 'M365 Mail Archiver.exe');
    await writeFile(winsw, '');
    await writeFile(executable, '');
    const plan: WinswInstallPlan = {
      executable,
      entry: TEMPLATE.entry,
      dataDirSetting: DEFAULT_WINDOWS_DATA_DIR,
      dataDir: path.join(workDir, 'ProgramData', 'M365 Mail Archiver'),
      account: { kind: 'local-system' },
    };
    return { winsw, xmlFile: path.join(workDir, 'm365-mail-archiver.xml'), plan };
  }

  it('installs through WinSW', async () => {
    const { winsw, xmlFile, plan } = await setup();
    const { runner, calls } = recordingRunner({ 'net localgroup m365-archiver-operators': { code: 2 } });
    const manager = winswServiceManager({ runner, winsw, xmlFile, platform: 'win32', isElevated: true });

    await manager.install(plan);

    expect(calls.map((call) => [call.command, ...call.args])).toEqual([
      ['net', 'localgroup', 'm365-archiver-operators'],
      ['net', 'localgroup', 'm365-archiver-operators', '/add', '/comment:M365 Mail Archiver operators'],
      ['icacls', plan.dataDir, '/grant', 'm365-archiver-operators:(OI)(CI)M'],
      [winsw, 'install', xmlFile],
    ]);
    expect(await readFile(xmlFile, 'utf8')).toBe(renderXml(plan));
  });

  it('starts, stops and uninstalls', async () => {
    const { winsw, xmlFile } = await setup();
    const { runner, calls } = recordingRunner();
    const manager = winswServiceManager({ runner, winsw, xmlFile, platform: 'win32', isElevated: true });

    await manager.start();
    await manager.stop();
    await manager.uninstall();

    expect(calls.map((call) => [call.command, ...call.args])).toEqual([
      [winsw, 'start', xmlFile],
      [winsw, 'stop', xmlFile],
      [winsw, 'stop', xmlFile],
      [winsw, 'uninstall', xmlFile],
    ]);
  });

  it('asks Windows for elevation', async () => {
    const { winsw, xmlFile } = await setup();
    const { runner, calls } = recordingRunner({ 'net session': { code: 2 } });
    const failure = await winswServiceManager({ runner, winsw, xmlFile, platform: 'win32' }).start().catch((error: unknown) => error);

    expect((failure as ArchiverError).code).toBe('SERVICE_NEEDS_ROOT');
    expect(calls.map((call) => [call.command, ...call.args])).toEqual([['net', 'session']]);
  });

  it('refuses on other platforms', async () => {
    const { winsw, xmlFile, plan } = await setup();
    const { runner, calls } = recordingRunner();
    const manager = winswServiceManager({ runner, winsw, xmlFile, platform: 'linux', isElevated: true });

    for (const attempt of [() => manager.install(plan), () => manager.start(), () => manager.status()]) {
      const failure = await attempt().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ArchiverError);
      expect((failure as ArchiverError).code).toBe('SERVICE_PLATFORM_UNSUPPORTED');
      expect((failure as ArchiverError).localize('de').message).toContain('linux');
    }
    expect(calls).toEqual([]);
  });

  it('rejects a missing WinSW', async () => {
    const { xmlFile, plan } = await setup();
    const { runner } = recordingRunner();
    const failure = await winswServiceManager({ runner, winsw: path.join(workDir, 'missing.exe'), xmlFile, platform: 'win32', isElevated: true })
      .install(plan)
      .catch((error: unknown) => error);
    expect((failure as ArchiverError).code).toBe('SERVICE_FILE_MISSING');
  });

  it('notes the password of a named account', async () => {
    const { winsw, xmlFile, plan } = await setup();
    const { runner } = recordingRunner();
    const manager = winswServiceManager({ runner, winsw, xmlFile, platform: 'win32', isElevated: true });
    expect(await manager.install({ ...plan, account: { kind: 'account', username: '.\\archiv' } })).toEqual([{ kind: 'account-password', account: '.\\archiv' }]);
    expect(await manager.install({ ...plan, account: { kind: 'account', username: 'MUSTERFIRMA\\gmsa-archiv$' } })).toEqual([]);
  });

  it('reads the status', () => {
    expect(parseWinswStatus('Active (running)\r\n')).toMatchObject({ installed: true, running: true });
    expect(parseWinswStatus('Inactive (stopped)\r\n')).toMatchObject({ installed: true, running: false });
    expect(parseWinswStatus('NonExistent\r\n')).toMatchObject({ installed: false, running: false });
  });
});
