import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMainServices, type MainServices } from '../src-main/app-services.js';
import { createIpcDispatcher } from '../src-main/ipc/dispatcher.js';
import type { IpcHandlers } from '../src-main/ipc/handlers/types.js';
import { isTrustedSender, type SenderInfo } from '../src-main/ipc/sender.js';
import { languageFromSystem } from '../src-main/services/preferences.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import { silentLogger } from '../src-agent/log/logger.js';

const ORIGIN = 'app://archiver';
const OWN: SenderInfo = { url: 'app://archiver/index.html', isTopFrame: true, fromOurWindow: true };

describe('isTrustedSender', () => {
  it.each<[string, SenderInfo, string, boolean]>([
    ['own top frame', OWN, ORIGIN, true],
    ['own page with hash and query', { ...OWN, url: 'app://archiver/index.html?x=1#/wizard' }, ORIGIN, true],
    ['http test origin', { ...OWN, url: 'http://127.0.0.1:5173/' }, 'http://127.0.0.1:5173', true],
    ['iframe of own page', { ...OWN, isTopFrame: false }, ORIGIN, false],
    ['other window', { ...OWN, fromOurWindow: false }, ORIGIN, false],
    ['navigated to a website', { ...OWN, url: 'https://example.org/' }, ORIGIN, false],
    ['other host on the same scheme', { ...OWN, url: 'app://archiver.evil/index.html' }, ORIGIN, false],
    ['other port', { ...OWN, url: 'http://127.0.0.1:5174/' }, 'http://127.0.0.1:5173', false],
    ['file URL', { ...OWN, url: 'file:///tmp/index.html' }, ORIGIN, false],
    ['not a URL', { ...OWN, url: 'index.html' }, ORIGIN, false],
    ['about:blank', { ...OWN, url: 'about:blank' }, ORIGIN, false],
  ])('%s', (_name, sender, origin, expected) => {
    expect(isTrustedSender(sender, origin)).toBe(expected);
  });
});

describe('languageFromSystem', () => {
  it.each<[string[], 'de' | 'en']>([
    [['en-US', 'de-DE'], 'en'],
    [['de-AT', 'en-US'], 'de'],
    [['fr-FR', 'de-CH'], 'de'],
    [['fr-FR', 'it-IT'], 'en'],
    [[], 'en'],
    [['de'], 'de'],
    [['en_GB'], 'en'],
  ])('%j gives %s', (languages, expected) => {
    expect(languageFromSystem(languages)).toBe(expected);
  });
});

describe('IPC dispatcher', () => {
  const calls: string[] = [];
  const handlers = new Proxy({} as IpcHandlers, {
    get: (_target, method: string) => async (args: unknown) => {
      calls.push(method);
      if (method === 'runNow') throw new ArchiverError('CONTROL_AGENT_NOT_RUNNING', { details: { endpoint: '/run/x.sock', problem: 'ENOENT' } });
      if (method === 'pause') throw new TypeError('secret path /root/x leaked');
      if (method === 'getSecretStatus') return { stored: true, hint: 'abc', value: 'must-not-cross' };
      if (method === 'setLanguage') return args;
      return {};
    },
  });
  const dispatch = createIpcDispatcher({ handlers, appOrigin: ORIGIN, logger: silentLogger() });

  it.each<[string, string, unknown, string]>([
    ['unknown method', 'readFile', undefined, 'IPC_INVALID_ARGUMENT'],
    ['prototype name', '__proto__', undefined, 'IPC_INVALID_ARGUMENT'],
    ['wrong language', 'setLanguage', { language: 'fr' }, 'IPC_INVALID_ARGUMENT'],
    ['extra field', 'setLanguage', { language: 'de', path: '/etc' }, 'IPC_INVALID_ARGUMENT'],
    ['missing argument', 'listFolders', undefined, 'IPC_INVALID_ARGUMENT'],
    ['limit too large', 'searchUsers', { query: 'a', limit: 1000 }, 'IPC_INVALID_ARGUMENT'],
    ['secret too long', 'storeSecret', { secret: 'x'.repeat(5000) }, 'IPC_INVALID_ARGUMENT'],
    ['empty secret', 'storeSecret', { secret: '' }, 'IPC_INVALID_ARGUMENT'],
    ['days out of range', 'getHistory', { days: 0 }, 'IPC_INVALID_ARGUMENT'],
    ['argument for a method without one', 'getStatus', { all: true }, 'IPC_INVALID_ARGUMENT'],
  ])('rejects %s', async (_name, method, args, code) => {
    calls.length = 0;
    const result = await dispatch(method, args, OWN);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ ok: false, code: code });
    expect(calls).toEqual([]);
  });

  it('rejects a foreign sender before parsing', async () => {
    calls.length = 0;
    const result = await dispatch('setLanguage', { language: 'de' }, { ...OWN, url: 'https://example.org/' });
    expect(result).toMatchObject({ ok: false, code: 'IPC_SENDER_REJECTED' });
    expect(result.ok ? '' : result.text.de.message).toContain('setLanguage');
    expect(calls).toEqual([]);
  });

  it('accepts valid arguments', async () => {
    const result = await dispatch('setLanguage', { language: 'de' }, OWN);
    expect(result).toEqual({ ok: true, value: { language: 'de' } });
  });

  it('passes an ArchiverError on with both texts', async () => {
    const result = await dispatch('runNow', undefined, OWN);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('CONTROL_AGENT_NOT_RUNNING');
    expect(result.details).toEqual({ endpoint: '/run/x.sock', problem: 'ENOENT' });
    expect(result.text.en.message).toContain('/run/x.sock');
    expect(result.text.de.remedy.length).toBeGreaterThan(10);
  });

  it('hides an unexpected error as INTERNAL', async () => {
    const result = await dispatch('pause', undefined, OWN);
    expect(result).toMatchObject({ ok: false, code: 'INTERNAL' });
    expect(JSON.stringify(result)).not.toContain('/root/x');
  });

  it('drops result fields the contract does not name', async () => {
    const result = await dispatch('getSecretStatus', undefined, OWN);
    expect(result).toEqual({ ok: true, value: { stored: true, hint: 'abc' } });
  });
});

describe('app handlers', () => {
  let workDir: string;
  let services: MainServices;
  let languages = ['en-US', 'de-DE'];
  const opened: string[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'main-app-'));
    services = createMainServices({
      dataDir: path.join(workDir, 'data'),
      preferencesFile: path.join(workDir, 'prefs', 'preferences.json'),
      appVersion: '1.2.3',
      appOrigin: ORIGIN,
      systemLanguages: () => languages,
      chooseFolder: async (defaultPath) => (defaultPath === '/cancel' ? undefined : '/srv/archiv'),
      openPath: async (folder) => {
        opened.push(folder);
      },
      agentMode: 'child',
    });
  });
  afterAll(async () => {
    await services.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('language follows the system until saved', async () => {
    const first = await services.call('getAppInfo', undefined, OWN);
    expect(first).toMatchObject({ ok: true, value: { version: '1.2.3', language: 'en', languageSaved: false, systemLanguages: ['en-US', 'de-DE'] } });

    languages = ['de-DE'];
    const second = await services.call('getAppInfo', undefined, OWN);
    expect(second).toMatchObject({ ok: true, value: { language: 'de', languageSaved: false } });

    expect(await services.call('setLanguage', { language: 'en' }, OWN)).toEqual({ ok: true, value: { language: 'en' } });
    const saved = await services.call('getAppInfo', undefined, OWN);
    expect(saved).toMatchObject({ ok: true, value: { language: 'en', languageSaved: true } });
    expect(JSON.parse(await readFile(path.join(workDir, 'prefs', 'preferences.json'), 'utf8'))).toEqual({ language: 'en' });
  });

  it('damaged preferences fall back to the system', async () => {
    await writeFile(path.join(workDir, 'prefs', 'preferences.json'), '{ not json');
    languages = ['de-DE'];
    const info = await services.call('getAppInfo', undefined, OWN);
    expect(info).toMatchObject({ ok: true, value: { language: 'de', languageSaved: false } });
  });

  it('folder dialog and log folder', async () => {
    expect(await services.call('chooseTargetFolder', { defaultPath: '/srv' }, OWN)).toEqual({ ok: true, value: { path: '/srv/archiv' } });
    expect(await services.call('chooseTargetFolder', { defaultPath: '/cancel' }, OWN)).toEqual({ ok: true, value: {} });
    expect(await services.call('openLogFolder', undefined, OWN)).toEqual({ ok: true, value: { folder: path.join(workDir, 'data', 'logs') } });
    expect(opened).toEqual([path.join(workDir, 'data', 'logs')]);
  });

  it('status reports an agent that is not running', async () => {
    const status = await services.call('getStatus', undefined, OWN);
    expect(status.ok).toBe(true);
    if (!status.ok) return;
    const value = status.value as { agentMode: string; problem?: { code: string; text: { de: { message: string } } } };
    expect(value.agentMode).toBe('unreachable');
    expect(value.problem?.code).toBe('CONTROL_AGENT_NOT_RUNNING');
    expect(value.problem?.text.de.message.length).toBeGreaterThan(10);
  });

  it('agent methods fail while the agent is down', async () => {
    const result = await services.call('runNow', undefined, OWN);
    expect(result).toMatchObject({ ok: false, code: 'CONTROL_AGENT_NOT_RUNNING' });
  });

  it('search with the agent down fails', async () => {
    const result = await services.call('searchUsers', { query: 'an' }, OWN);
    expect(result).toMatchObject({ ok: false, code: 'CONTROL_AGENT_NOT_RUNNING' });
  });
});
