/**
 * Reading a message's MIME from memory or disk. File sources are streamed in chunks, so serving a
 * 150 MB message keeps memory flat.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Readable as ReadableStream } from 'node:stream';
import type { MimeSource } from './content/types.js';

const CHUNK_BYTES = 64 * 1024;

function* bufferChunks(bytes: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
    yield bytes.subarray(offset, offset + CHUNK_BYTES);
  }
}

/** Opens a stream of the MIME bytes in chunks of at most 64 KiB. */
export function openMimeStream(source: MimeSource): Readable {
  if (source.kind === 'file') return createReadStream(source.path, { highWaterMark: CHUNK_BYTES });
  return ReadableStream.from(bufferChunks(source.bytes), { objectMode: false });
}

/** Reads the whole MIME into memory, for `$batch` items and the test state API. */
export async function readMimeBytes(source: MimeSource): Promise<Buffer> {
  if (source.kind === 'buffer') return Buffer.from(source.bytes);
  return readFile(source.path);
}
