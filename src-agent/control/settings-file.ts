import { chown, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { syncFolder } from '../archive/folder-sync.js';
import { parseConfig } from '../config/load.js';
import type { AgentConfig } from '../config/schema.js';
import { ArchiverError } from '../errors/index.js';
import { applyEnvironmentIdentity } from '../secrets/secret-store.js';

/**
 * Validates settings as loadConfig would, including AZURE_TENANT_ID and AZURE_CLIENT_ID for
 * missing identity fields, and writes them to `file` atomically. A temporary file in the same
 * folder is written and flushed, renamed over the old one, and the folder is flushed, so a
 * reader gets the old file or the new one and never a mix. An existing file's mode is kept,
 * and its owner too when the agent runs as root.
 *
 * @throws ArchiverError CONFIG_INVALID naming the first bad field, before anything is written;
 *   DATA_DIR_UNUSABLE when the file cannot be written.
 */
export async function writeSettingsFile(file: string, settings: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  parseConfig(applyEnvironmentIdentity(settings, env), file);

  const folder = path.dirname(file);
  const temporary = `${file}.${process.pid}.tmp`;
  const previous = await stat(file).catch(() => undefined);
  try {
    await mkdir(folder, { recursive: true });
    const handle = await open(temporary, 'w', previous ? previous.mode & 0o777 : 0o644);
    try {
      await handle.writeFile(`${JSON.stringify(settings, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (previous && process.getuid?.() === 0) {
      await chown(temporary, previous.uid, previous.gid);
    }
    await rename(temporary, file);
    await syncFolder(folder);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    const problem = `${path.basename(file)} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    throw new ArchiverError('DATA_DIR_UNUSABLE', { details: { path: folder, problem }, cause: error });
  }
}

/** Returns the settings without a password in proxy.url, the only secret that settings can contain. */
export function redactSettings(config: AgentConfig): AgentConfig {
  if (!config.proxy) {
    return config;
  }
  return { ...config, proxy: { ...config.proxy, url: withoutPassword(config.proxy.url) } };
}

/**
 * Puts the proxy password back into proxy.url when the new settings carry the URL exactly as
 * redactSettings returned it, so that saving settings read with getSettings keeps the password.
 */
export function restoreRedactedProxy(settings: Record<string, unknown>, current: AgentConfig | undefined): Record<string, unknown> {
  const currentUrl = current?.proxy?.url;
  const proxy = settings.proxy;
  if (!currentUrl || !proxy || typeof proxy !== 'object' || Array.isArray(proxy)) {
    return settings;
  }
  const url = (proxy as Record<string, unknown>).url;
  if (url === currentUrl || url !== withoutPassword(currentUrl)) {
    return settings;
  }
  return { ...settings, proxy: { ...proxy, url: currentUrl } };
}

function withoutPassword(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.password) {
    return url;
  }
  parsed.password = '';
  return parsed.toString();
}
