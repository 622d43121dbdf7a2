import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appLoginCommand, autostartFile, disableAutostart, enableAutostart, HIDDEN_START_ARGUMENT, renderDesktopEntry } from '../src-main/supervisor/autostart.js';

const VALIDATOR = 'desktop-file-validate';
const hasValidator = spawnSync(VALIDATOR, ['--help'], { stdio: 'ignore' }).status === 0;
if (!hasValidator) {
  console.log('supervisor-autostart: the validator tests skipped, because desktop-file-validate is missing (Debian package desktop-file-utils)');
}
if (!hasValidator) {
  console.warn(`${VALIDATOR} is missing (Debian package desktop-file-utils), so the autostart file is not validated.`);
}

let configHome: string;
beforeEach(async () => {
  configHome = await mkdtemp(path.join(os.tmpdir(), 'm365-autostart-'));
});
afterEach(async () => {
  await rm(configHome, { recursive: true, force: true });
});

const login = { command: '/opt/M365 Mail Archiver/m365-mail-archiver', args: ['--hidden', '--note=100% "quoted"'] };

describe('autostart', () => {
  it('finds the file below XDG_CONFIG_HOME', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/etc/xdg-test', HOME: '/home/anna' })).toBe('/etc/xdg-test/autostart/m365-mail-archiver.desktop');
    expect(autostartFile({ HOME: '/home/anna' })).toBe('/home/anna/.config/autostart/m365-mail-archiver.desktop');
    expect(autostartFile({ XDG_CONFIG_HOME: 'relative/config', HOME: '/home/anna' })).toBe('/home/anna/.config/autostart/m365-mail-archiver.desktop');
  });

  it('writes and removes the desktop entry', async () => {
    const env = { XDG_CONFIG_HOME: configHome, HOME: '/nonexistent' };
    const file = path.join(configHome, 'autostart', 'm365-mail-archiver.desktop');

    await enableAutostart({ login, platform: 'linux', env });
    expect(existsSync(file)).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('Type=Application');
    expect(text).toContain('Exec="/opt/M365 Mail Archiver/m365-mail-archiver" --hidden "--note=100%% \\\\"quoted\\\\""');

    await disableAutostart({ platform: 'linux', env });
    expect(existsSync(file)).toBe(false);
    await expect(disableAutostart({ platform: 'linux', env })).resolves.toBeUndefined();
  });

  it.skipIf(!hasValidator)('passes desktop-file-validate', async () => {
    const env = { XDG_CONFIG_HOME: configHome };
    await enableAutostart({ login, platform: 'linux', env });

    const result = spawnSync(VALIDATOR, [autostartFile(env)], { encoding: 'utf8' });

    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!hasValidator)('validator rejects a broken entry', async () => {
    const file = path.join(configHome, 'broken.desktop');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, renderDesktopEntry(login).replace('Type=Application\n', ''));

    const result = spawnSync(VALIDATOR, [file], { encoding: 'utf8' });

    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('"Type"');
  });

  it('uses the login item on Windows and macOS', async () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const calls: unknown[] = [];
      const setLoginItemSettings = (settings: unknown) => calls.push(settings);

      await enableAutostart({ login, platform, setLoginItemSettings });
      await disableAutostart({ login, platform, setLoginItemSettings });

      expect(calls).toEqual([
        { openAtLogin: true, path: login.command, args: login.args },
        { openAtLogin: false, path: login.command, args: login.args },
      ]);
    }
  });

  it('needs the login item setter on Windows', async () => {
    await expect(enableAutostart({ login, platform: 'win32' })).rejects.toThrow(/setLoginItemSettings/);
  });

  it('starts the packaged app hidden at login', () => {
    const command = appLoginCommand({ packaged: true, execPath: 'C:\\Program Files\\M365 Mail Archiver\\M365 Mail Archiver.exe', appPath: 'ignored' });

    expect(command).toEqual({ command: 'C:\\Program Files\\M365 Mail Archiver\\M365 Mail Archiver.exe', args: [HIDDEN_START_ARGUMENT] });
  });

  it('starts Electron with the checkout at login', () => {
    const command = appLoginCommand({ packaged: false, execPath: '/usr/lib/electron/electron', appPath: '/home/admin/m365-mail-archiver' });

    expect(command).toEqual({ command: '/usr/lib/electron/electron', args: ['/home/admin/m365-mail-archiver', '--hidden'] });
  });
});
