import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, handleAppRequest, resolveAppPath } from '../src-main/window/app-protocol.js';

const ROOT = path.resolve('/srv/app/dist-renderer');

describe('resolveAppPath', () => {
  it.each([
    ['/', 'index.html'],
    ['', 'index.html'],
    ['/index.html', 'index.html'],
    ['/assets/index-abc.js', 'assets/index-abc.js'],
    ['/assets/./logo.svg', 'assets/logo.svg'],
    ['/assets/Datei%20mit%20Leerzeichen.png', 'assets/Datei mit Leerzeichen.png'],
    ['/index.html?lang=de#wizard', 'index.html'],
    // The URL parser removes plain and encoded dot segments before this module gets them, so
    // these stay inside the folder.
    ['/../../etc/passwd', 'etc/passwd'],
    ['/assets/%2e%2e/%2e%2e/etc/passwd', 'etc/passwd'],
  ])('maps %s to the file %s', (pathname, expected) => {
    const result = resolveAppPath(ROOT, `${APP_ORIGIN}${pathname}`);

    expect(result).toEqual({ ok: true, file: path.join(ROOT, expected) });
  });

  it.each([
    ['encoded slash with dots', '/%2e%2e%2f%2e%2e%2fetc/passwd', 403],
    ['encoded dots and slash', '/assets/..%2f..%2fsecret', 403],
    ['backslash parent', '/..%5c..%5cWindows%5cwin.ini', 403],
    ['raw backslash parent', '/assets\\..\\..\\secret', 403],
    ['absolute path', '/%2fetc%2fpasswd', 403],
    ['double slash absolute path', '//etc/passwd', 403],
    ['drive letter', '/C:%5CWindows%5Cwin.ini', 403],
    ['drive letter with slash', '/c:/Windows/win.ini', 403],
    ['NUL byte', '/index.html%00.png', 400],
    ['invalid percent-encoding', '/%E0%A4%A', 400],
  ])('rejects %s', (_name, pathname, status) => {
    const result = resolveAppPath(ROOT, `${APP_ORIGIN}${pathname}`);

    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.status).toBe(status);
  });

  it.each([
    ['another host', 'app://other/index.html'],
    ['a host with our name as prefix', 'app://archiver.example/index.html'],
    ['another scheme', 'file:///srv/app/dist-renderer/index.html'],
    ['https', 'https://archiver/index.html'],
  ])('rejects %s', (_name, url) => {
    expect(resolveAppPath(ROOT, url)).toMatchObject({ ok: false, status: 404 });
  });

  it('rejects an unparsable URL', () => {
    expect(resolveAppPath(ROOT, 'no url at all')).toMatchObject({ ok: false, status: 400 });
  });
});

describe('handleAppRequest', () => {
  let base: string;
  let root: string;

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'app-protocol-'));
    root = path.join(base, 'dist-renderer');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>x</title>');
    await writeFile(path.join(root, 'assets', 'main.js'), 'console.log(1);');
    await writeFile(path.join(root, 'assets', 'data.bin'), Buffer.from([1, 2, 3]));
    await writeFile(path.join(base, 'secret.txt'), 'outside');
    await symlink(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link-out.txt'));
    await symlink(path.join(root, 'assets', 'main.js'), path.join(root, 'assets', 'link-in.js'));
  });

  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const get = (pathname: string, method = 'GET') => handleAppRequest(root, new Request(`${APP_ORIGIN}${pathname}`, { method }));

  it('serves index.html for the root', async () => {
    const response = await get('/');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('<!doctype html><title>x</title>');
  });

  it('serves scripts with their type', async () => {
    const response = await get('/assets/main.js');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log(1);');
  });

  it('serves unknown types as octet-stream', async () => {
    const response = await get('/assets/data.bin');

    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('answers HEAD without a body', async () => {
    const response = await get('/index.html', 'HEAD');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('31');
    expect(await response.text()).toBe('');
  });

  it.each([
    ['a missing file', '/missing.js', 404],
    ['a directory', '/assets', 404],
    ['a link out of the folder', '/assets/link-out.txt', 403],
    ['an encoded parent path', '/assets/..%2f..%2fsecret.txt', 403],
    ['a NUL byte', '/index.html%00', 400],
  ])('rejects %s', async (_name, pathname, status) => {
    const response = await get(pathname);

    expect(response.status).toBe(status);
    expect(await response.text()).toBe('');
  });

  it('follows a link that stays inside', async () => {
    const response = await get('/assets/link-in.js');

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log(1);');
  });

  it('rejects POST', async () => {
    const response = await handleAppRequest(root, new Request(`${APP_ORIGIN}/index.html`, { method: 'POST', body: 'x' }));

    expect(response.status).toBe(405);
  });
});
