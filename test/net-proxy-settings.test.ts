import { describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import { redactText } from '../src-agent/log/redact.js';
import { bypassesProxy, proxyLabel, resolveProxySettings, type ProxySettings } from '../src-agent/net/index.js';

function settingsWith(noProxy: string[]): ProxySettings {
  return { url: 'http://proxy.example:3128', noProxy, source: 'config' };
}

function failureOf(action: () => unknown): ArchiverError {
  try {
    action();
  } catch (error) {
    if (error instanceof ArchiverError) return error;
    throw error;
  }
  throw new Error('expected an ArchiverError');
}

describe('resolveProxySettings', () => {
  it('returns undefined without any proxy', () => {
    expect(resolveProxySettings(undefined, { NO_PROXY: 'example.org' })).toBeUndefined();
  });

  it('prefers the configured proxy', () => {
    const settings = resolveProxySettings({ url: 'http://config-proxy.example:8080', username: 'svc-archiver' }, { HTTPS_PROXY: 'http://env-proxy.example:3128' }, 'stored-password');

    expect(settings).toEqual({
      url: 'http://config-proxy.example:8080',
      username: 'svc-archiver',
      password: 'stored-password',
      noProxy: [],
      source: 'config',
    });
  });

  it('reads HTTPS_PROXY with credentials', () => {
    const settings = resolveProxySettings(undefined, { HTTPS_PROXY: 'http://svc%40corp:p%3Ass-word@proxy.example:3128/' });

    expect(settings).toEqual({
      url: 'http://proxy.example:3128',
      username: 'svc@corp',
      password: 'p:ss-word',
      noProxy: [],
      source: 'environment',
    });
  });

  it('prefers https_proxy over HTTPS_PROXY', () => {
    const settings = resolveProxySettings(undefined, { https_proxy: 'http://lower.example:1', HTTPS_PROXY: 'http://upper.example:2' });

    expect(settings?.url).toBe('http://lower.example:1');
  });

  it('ignores an empty HTTPS_PROXY', () => {
    expect(resolveProxySettings(undefined, { HTTPS_PROXY: '  ' })).toBeUndefined();
  });

  it('adds http:// to a proxy without scheme', () => {
    expect(resolveProxySettings(undefined, { HTTPS_PROXY: 'proxy.example:3128' })?.url).toBe('http://proxy.example:3128');
  });

  it('splits NO_PROXY into lower-case entries', () => {
    const settings = resolveProxySettings({ url: 'http://proxy.example:3128' }, { no_proxy: ' Login.Microsoftonline.com,.corp.example  10.0.0.0/8,,' });

    expect(settings?.noProxy).toEqual(['login.microsoftonline.com', '.corp.example', '10.0.0.0/8']);
  });

  it('rejects a socks proxy', () => {
    const error = failureOf(() => resolveProxySettings(undefined, { HTTPS_PROXY: 'socks5://proxy.example:1080' }));

    expect(error.code).toBe('PROXY_URL_INVALID');
    expect(error.details.source).toBe('HTTPS_PROXY');
    expect(error.details.problem).toContain('socks5:');
  });

  it('rejects an unparsable URL without its password', () => {
    const error = failureOf(() => resolveProxySettings({ url: 'http://user:Geheim-123@proxy example:3128' }, {}));

    expect(error.code).toBe('PROXY_URL_INVALID');
    expect(error.details.source).toBe('config.json');
    expect(error.message).not.toContain('Geheim-123');
    expect(error.details.proxy).toBe('http://proxy example:3128');
  });

  it('registers passwords for redaction', () => {
    resolveProxySettings(undefined, { HTTPS_PROXY: 'http://user:Env-Secret-42@proxy.example:3128' });
    resolveProxySettings({ url: 'http://proxy.example:3128', username: 'user' }, {}, 'Stored-Secret-43');

    expect(redactText('password Env-Secret-42 and Stored-Secret-43')).toBe('password [redacted] and [redacted]');
  });
});

describe('bypassesProxy', () => {
  const table: Array<[string, string, boolean]> = [
    ['login.microsoftonline.com', 'https://login.microsoftonline.com/tenant', true],
    ['login.microsoftonline.com', 'https://graph.microsoft.com/v1.0', false],
    ['microsoft.com', 'https://graph.microsoft.com/v1.0', true],
    ['.microsoft.com', 'https://graph.microsoft.com/v1.0', true],
    ['*.microsoft.com', 'https://graph.microsoft.com/v1.0', true],
    ['.microsoft.com', 'https://microsoft.com/', true],
    ['soft.com', 'https://graph.microsoft.com/', false],
    ['graph.microsoft.com:443', 'https://graph.microsoft.com/', true],
    ['graph.microsoft.com:8443', 'https://graph.microsoft.com/', false],
    ['127.0.0.1', 'https://127.0.0.1:40123/', true],
    ['127.0.0.1:40123', 'https://127.0.0.1:40123/', true],
    ['10.0.0.0/8', 'https://10.20.30.40/', true],
    ['10.0.0.0/8', 'https://11.0.0.1/', false],
    ['10.0.0.0/8', 'https://ten.example/', false],
    ['10.0.0.0/33', 'https://10.0.0.1/', false],
    ['::1', 'https://[::1]:8443/', true],
    ['[::1]:8443', 'https://[::1]:8443/', true],
    ['fd00::/8', 'https://[fd12::1]/', true],
    ['*', 'https://anything.example/', true],
  ];

  it.each(table)('entry %s for %s gives %s', (entry, target, expected) => {
    expect(bypassesProxy(settingsWith([entry]), target)).toBe(expected);
  });

  it('sends everything through the proxy without entries', () => {
    expect(bypassesProxy(settingsWith([]), 'https://graph.microsoft.com/')).toBe(false);
  });
});

describe('proxyLabel', () => {
  it('drops credentials and path', () => {
    expect(proxyLabel({ url: 'http://user:pw@proxy.example:3128/path', noProxy: [], source: 'config' })).toBe('http://proxy.example:3128');
  });
});
