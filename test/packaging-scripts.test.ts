import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEMD_CREDENTIAL_NAMES } from '../src-agent/secrets/systemd-credential-store.js';
import { SERVICE_NAMES } from '../src-agent/service/names.js';
import { REPOSITORY_ROOT } from './support/agent-harness.js';

const run = promisify(execFile);

const DEB_DIR = path.join(REPOSITORY_ROOT, 'packaging', 'deb');
const NSIS_INCLUDE = path.join(REPOSITORY_ROOT, 'packaging', 'nsis', 'installer.nsh');

// electron-builder 26 replaces ${name} (letters only) in deb.afterInstall and deb.afterRemove
// and stops with "Macro name is not defined" for a name it does not know. These are the values it
// uses for this app (linux.executableName, productName).
const TEMPLATE_VALUES: Record<string, string> = {
  executable: 'm365-mail-archiver',
  sanitizedProductName: 'M365 Mail Archiver',
  productFilename: 'M365 Mail Archiver',
};

const DEB_SCRIPTS = [
  { name: 'postinst', template: true },
  { name: 'prerm', template: false },
  { name: 'postrm', template: true },
] as const;

function available(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

const noShellcheck = available('shellcheck') ? undefined : 'shellcheck is not installed (apt-get install -y shellcheck)';
const noMakensis = spawnSync('makensis', ['-VERSION'], { stdio: 'ignore' }).status === 0 ? undefined : 'makensis is not installed (apt-get install -y nsis)';
if (noShellcheck) console.log(`deb script lint skipped: ${noShellcheck}`);
if (noMakensis) console.log(`NSIS compile check skipped: ${noMakensis}`);

let renderDir: string;
beforeAll(async () => {
  renderDir = await mkdtemp(path.join(os.tmpdir(), 'packaging-scripts-'));
});
afterAll(async () => {
  await rm(renderDir, { recursive: true, force: true });
});

/** Renders a deb script as electron-builder would and writes it to the temporary folder. */
async function rendered(name: string, template: boolean): Promise<string> {
  let text = await readFile(path.join(DEB_DIR, name), 'utf8');
  if (template) {
    text = text.replace(/\$\{([a-zA-Z]+)\}/g, (_match, macro: string) => {
      const value = TEMPLATE_VALUES[macro];
      if (value === undefined) throw new Error(`${name} uses the macro \${${macro}}, which electron-builder does not define`);
      return value;
    });
  }
  const file = path.join(renderDir, name);
  await writeFile(file, text, { mode: 0o755 });
  return file;
}

describe('deb maintainer scripts', () => {
  for (const script of DEB_SCRIPTS) {
    it(`${script.name} parses with sh -n`, async () => {
      const file = await rendered(script.name, script.template);
      await expect(run('sh', ['-n', file])).resolves.toBeDefined();
    });

    it.skipIf(noShellcheck !== undefined)(`${script.name} passes shellcheck`, async () => {
      const file = await rendered(script.name, script.template);
      const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', file], { encoding: 'utf8' });
      expect(result.stdout).toBe('');
      expect(result.status).toBe(0);
    });
  }

  it('uses the names of the agent', async () => {
    const postinst = await readFile(path.join(DEB_DIR, 'postinst'), 'utf8');
    const prerm = await readFile(path.join(DEB_DIR, 'prerm'), 'utf8');
    const postrm = await readFile(path.join(DEB_DIR, 'postrm'), 'utf8');

    expect(postinst).toContain(`service_user=${SERVICE_NAMES.systemUser}\n`);
    expect(postinst).toContain(`operators_group=${SERVICE_NAMES.operatorsGroup}\n`);
    expect(postinst).toContain(`unit=${SERVICE_NAMES.systemdUnit}.service\n`);
    expect(prerm).toContain(`unit=${SERVICE_NAMES.systemdUnit}.service\n`);
    expect(postinst).toContain('data_dir=/var/lib/m365-mail-archiver\n');
    expect(postrm).toContain('data_dir=/var/lib/m365-mail-archiver\n');
    for (const credential of Object.values(SYSTEMD_CREDENTIAL_NAMES)) {
      expect(postrm).toContain(credential);
    }
  });

  it('migrates through the agent command', async () => {
    const postinst = await readFile(path.join(DEB_DIR, 'postinst'), 'utf8');
    expect(postinst).toMatch(/runuser -u "\$service_user" -- "\$launcher" --data-dir "\$data_dir" --json state upgrade/);
  });

  it('deletes data on purge only', async () => {
    const postrm = await readFile(path.join(DEB_DIR, 'postrm'), 'utf8');
    const removeBranch = postrm.slice(postrm.indexOf('  remove)'), postrm.indexOf('  purge)'));
    const purgeBranch = postrm.slice(postrm.indexOf('  purge)'));

    expect(removeBranch).not.toContain('remove_data');
    expect(purgeBranch).toContain('remove_data');
  });

  it('leaves the system alone on other actions', async () => {
    // These calls return before any command that changes the machine; an empty PATH proves it.
    const postinst = await rendered('postinst', true);
    const postrm = await rendered('postrm', true);

    for (const [file, action] of [[postinst, 'abort-upgrade'], [postrm, 'upgrade'], [postrm, 'failed-upgrade']] as const) {
      const result = spawnSync('/bin/sh', [file, action, '0.1.0'], { encoding: 'utf8', env: { PATH: '/nonexistent' } });
      expect(result.stderr, `${path.basename(file)} ${action}`).toBe('');
      expect(result.status, `${path.basename(file)} ${action}`).toBe(0);
    }
  });
});

describe('NSIS include', () => {
  // makensis from Debian compiles the include inside a small script that calls the three macros
  // where electron-builder's templates do. It checks syntax, variables and language strings;
  // electron-builder's own templates, plugins and the Windows behavior are not part of this.
  async function compile(uninstaller: boolean): Promise<{ status: number | null; output: string }> {
    const script = path.join(renderDir, uninstaller ? 'uninstaller.nsi' : 'installer.nsi');
    const lines = [
      'Unicode true',
      ...(uninstaller ? ['!define BUILD_UNINSTALLER'] : []),
      // electron-builder defines ${isUpdated} as a LogicLib test; "1 == 0" replaces it here.
      '!define isUpdated "1 == 0"',
      'Name "M365 Mail Archiver"',
      `OutFile "${path.join(renderDir, uninstaller ? 'uninstaller.exe' : 'installer.exe')}"`,
      'RequestExecutionLevel admin',
      `!include "${NSIS_INCLUDE}"`,
      '!include "MUI2.nsh"',
      '!insertmacro MUI_PAGE_INSTFILES',
      '!insertmacro MUI_LANGUAGE "English"',
      '!insertmacro MUI_LANGUAGE "German"',
      ...(uninstaller
        ? ['Section "-write"', `  WriteUninstaller "${path.join(renderDir, 'uninstall.exe')}"`, 'SectionEnd', 'Section "un.Uninstall"', '  !insertmacro customUnInstall', 'SectionEnd']
        : ['Function .onInit', '  !insertmacro customInit', 'FunctionEnd', 'Section "install"', '  !insertmacro customInstall', 'SectionEnd']),
    ];
    await writeFile(script, `${lines.join('\n')}\n`);
    // -WX: warnings are errors, as electron-builder.yml sets with nsis.warningsAsErrors.
    const result = spawnSync('makensis', ['-V2', '-WX', script], { encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it.skipIf(noMakensis !== undefined)('compiles into an installer', async () => {
    const result = await compile(false);
    expect(result.output).not.toMatch(/error|warning/i);
    expect(result.status).toBe(0);
  });

  it.skipIf(noMakensis !== undefined)('compiles into an uninstaller', async () => {
    const result = await compile(true);
    expect(result.output).not.toMatch(/error|warning/i);
    expect(result.status).toBe(0);
  });

  it('has every text in German and English', async () => {
    const text = await readFile(NSIS_INCLUDE, 'utf8');
    const english = [...text.matchAll(/^LangString (\w+) 1033 /gm)].map((match) => match[1]);
    const german = [...text.matchAll(/^LangString (\w+) 1031 /gm)].map((match) => match[1]);

    expect(english.length).toBeGreaterThan(5);
    expect(german).toEqual(english);
  });

  it('uses the names of the agent', async () => {
    const text = await readFile(NSIS_INCLUDE, 'utf8');
    expect(text).toContain(`!define M365_SERVICE_ID "${SERVICE_NAMES.windowsServiceId}"`);
    expect(text).toContain(`!define M365_OPERATORS_GROUP "${SERVICE_NAMES.operatorsGroup}"`);
    expect(text).toContain(`!define M365_DATA_DIR_NAME "${SERVICE_NAMES.displayName}"`);
    expect(text).toContain('state upgrade');
  });
});
