import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Reads the product version from the nearest package.json above this file, in the source
 * tree and in a build alike. */
export function agentVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'm365-mail-archiver' && manifest.version) {
        return manifest.version;
      }
    } catch {
      // No package.json at this level; look one folder up.
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}
