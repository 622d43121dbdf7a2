import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../src-agent/log/logger.js';

/**
 * The renderer loads from a custom scheme instead of file://. So the page gets an origin of its
 * own, main can recognize our page by its URL, and this module decides which files it may load.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'archiver';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

export type AppPathResult = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Maps a URL of our scheme to a file inside `rootDir` (the renderer's build folder) without
 * touching the disk. Rejects another host, an undecodable or NUL-containing path, any `..`
 * segment (also as `%2e%2e`, or behind an encoded slash or a backslash), and an absolute path.
 * `/` is index.html. handleAppRequest checks again after resolving symbolic links.
 */
export function resolveAppPath(rootDir: string, requestUrl: string): AppPathResult {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, reason: 'invalid URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
    return { ok: false, status: 404, reason: 'not our origin' };
  }

  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'invalid percent-encoding' };
  }
  if (decoded.includes('\0')) {
    return { ok: false, status: 400, reason: 'NUL in path' };
  }

  const relative = decoded.replace(/^\//, '') || 'index.html';
  const segments = relative.split(/[\\/]/);
  if (segments.includes('..')) {
    return { ok: false, status: 403, reason: 'parent segment in path' };
  }
  if (path.isAbsolute(relative) || path.win32.isAbsolute(relative) || /^[a-z]:/i.test(relative)) {
    return { ok: false, status: 403, reason: 'absolute path' };
  }

  const root = path.resolve(rootDir);
  const file = path.resolve(root, ...segments.filter((segment) => segment !== '' && segment !== '.'));
  if (!isInside(root, file)) {
    return { ok: false, status: 403, reason: 'outside the renderer folder' };
  }
  return { ok: true, file };
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves one request of our scheme with a file of the renderer's build folder: GET and HEAD
 * only, no directory listings, and nothing that a symbolic link leads out of the folder.
 * Every rejection is logged with the URL and the reason.
 */
export async function handleAppRequest(rootDir: string, request: Request, logger?: Logger): Promise<Response> {
  const reject = (status: number, reason: string): Response => {
    logger?.warn({ url: request.url, status, reason }, 'app request rejected');
    return new Response(null, { status, headers: { 'Content-Type': 'text/plain' } });
  };

  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return reject(405, `method ${request.method} not allowed`);
  }
  const resolved = resolveAppPath(rootDir, request.url);
  if (!resolved.ok) {
    return reject(resolved.status, resolved.reason);
  }

  let realFile: string;
  let realRoot: string;
  try {
    [realFile, realRoot] = await Promise.all([realpath(resolved.file), realpath(rootDir)]);
  } catch {
    return reject(404, 'file not found');
  }
  if (!isInside(realRoot, realFile)) {
    return reject(403, 'symbolic link leads outside the renderer folder');
  }
  const info = await stat(realFile);
  if (!info.isFile()) {
    return reject(404, 'not a file');
  }

  const headers = {
    'Content-Type': CONTENT_TYPES[path.extname(realFile).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(info.size),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
  if (request.method === 'HEAD') {
    return new Response(null, { status: 200, headers });
  }
  return new Response(await readFile(realFile), { status: 200, headers });
}
