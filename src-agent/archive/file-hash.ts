import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { errnoCode } from './fs-errors.js';

/**
 * Computes a file's SHA-256 (lower-case hex) and size by streaming it. Returns undefined when
 * the file does not exist; other read errors are thrown as they are.
 */
export async function hashFile(filePath: string): Promise<{ sha256: string; size: number } | undefined> {
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of createReadStream(filePath)) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      size += bytes.byteLength;
    }
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  return { sha256: hash.digest('hex'), size };
}
