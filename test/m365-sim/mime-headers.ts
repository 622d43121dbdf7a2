/**
 * Reads the header block of a MIME message into the properties Graph derives from it (subject,
 * addresses, dates, Message-ID). Only the header block is read, so file sources stay on disk.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { MimeSource } from './content/types.js';

export interface MailAddress {
  name: string;
  address: string;
}

export interface HeaderField {
  name: string;
  value: string;
}

/** Header blocks longer than this are cut; real headers stay far below it. */
const MAX_HEADER_BYTES = 256 * 1024;

/** Returns the bytes before the first empty line (the header block) of a MIME source. */
export function readHeaderBlock(source: MimeSource): Buffer {
  if (source.kind === 'buffer') return cutAtBlankLine(source.bytes.subarray(0, MAX_HEADER_BYTES));

  const fd = openSync(source.path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < MAX_HEADER_BYTES) {
      const chunk = Buffer.alloc(16 * 1024);
      const read = readSync(fd, chunk, 0, chunk.length, total);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      const block = cutAtBlankLine(Buffer.concat(chunks));
      if (block.length < total) return block;
    }
    return cutAtBlankLine(Buffer.concat(chunks));
  } finally {
    closeSync(fd);
  }
}

function cutAtBlankLine(bytes: Buffer): Buffer {
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  const ends = [crlf, lf].filter((index) => index >= 0);
  if (ends.length === 0) return bytes;
  return bytes.subarray(0, Math.min(...ends));
}

/** Splits a header block into unfolded fields; raw 8-bit headers are read as UTF-8 when valid. */
export function parseHeaderBlock(block: Buffer): HeaderField[] {
  const text = decodeHeaderBytes(block);
  const fields: HeaderField[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) {
      const last = fields[fields.length - 1]!;
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

function decodeHeaderBytes(block: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(block);
  } catch {
    return decodeCharset(block, 'windows-1252')!;
  }
}

export function headerValue(fields: HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find((field) => field.name.toLowerCase() === lower)?.value;
}

/** Decodes RFC 2047 encoded words; whitespace between two adjacent encoded words is dropped. */
export function decodeEncodedWords(value: string): string {
  const pattern = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  const joined = value.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(pattern, (whole, charset: string, encoding: string, text: string) => {
    const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQ(text);
    return decodeCharset(bytes, charset) ?? whole;
  });
}

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '_') {
      bytes.push(0x20);
    } else if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(index + 1, index + 3))) {
      bytes.push(parseInt(text.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(char.charCodeAt(0));
    }
  }
  return Buffer.from(bytes);
}

// Bytes 0x80 to 0x9F of windows-1252; 0 marks the five unassigned ones, which stay as they are.
const WINDOWS_1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];
const WINDOWS_1252_LABELS = new Set(['windows-1252', 'cp1252', 'iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii']);

/**
 * Decodes bytes of a charset. Mail clients label windows-1252 text as ISO-8859-1 or ASCII, so
 * the WHATWG Encoding Standard maps those labels to windows-1252. Node's TextDecoder does not
 * map 0x80 to 0x9F that way, so this function does.
 */
function decodeCharset(bytes: Buffer, charset: string): string | undefined {
  const label = charset.split('*')[0]!.toLowerCase();
  if (WINDOWS_1252_LABELS.has(label)) {
    return [...bytes].map((byte) => String.fromCharCode(byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80] || byte : byte)).join('');
  }
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Splits on `separator` outside quotes, angle brackets and comments. */
function splitOutside(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  let comment = 0;
  for (let index = 0; index < value.length; index++) {
    const char = value[index]!;
    if (char === '\\' && quoted) {
      current += char + (value[index + 1] ?? '');
      index++;
      continue;
    }
    if (char === '"' && comment === 0) quoted = !quoted;
    else if (!quoted && char === '<') angle++;
    else if (!quoted && char === '>') angle = Math.max(0, angle - 1);
    else if (!quoted && char === '(') comment++;
    else if (!quoted && char === ')') comment = Math.max(0, comment - 1);
    if (char === separator && !quoted && angle === 0 && comment === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

/** Parses an address list such as `"Müller, Jörg" <j@example.de>, b@example.de`; groups are flattened. */
export function parseAddressList(value: string | undefined): MailAddress[] {
  if (value === undefined) return [];
  const addresses: MailAddress[] = [];
  for (const rawPart of splitOutside(value, ',')) {
    let part = rawPart.trim();
    const groupColon = splitOutside(part, ':');
    if (groupColon.length > 1) part = groupColon.slice(1).join(':').replace(/;\s*$/, '').trim();
    part = part.replace(/;\s*$/, '').trim();
    if (part.length === 0) continue;
    const address = parseAddress(part);
    if (address !== undefined) addresses.push(address);
  }
  return addresses;
}

function parseAddress(part: string): MailAddress | undefined {
  const angle = /^(.*)<([^>]*)>\s*(\(.*\))?$/.exec(part);
  if (angle !== null) {
    const name = unquote(angle[1]!.trim());
    return { name: decodeEncodedWords(name), address: angle[2]!.trim() };
  }
  const comment = /^([^\s(]+)\s*\((.*)\)$/.exec(part);
  if (comment !== null) return { name: decodeEncodedWords(comment[2]!.trim()), address: comment[1]! };
  if (!part.includes('@')) return undefined;
  return { name: part, address: part };
}

function unquote(value: string): string {
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

/** Parses an RFC 5322 date; comments such as `(CET)` are dropped. */
export function parseMailDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const cleaned = value.replace(/\([^)]*\)/g, '').replace(/\s+/g, ' ').trim();
  const time = Date.parse(cleaned);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** Returns the reception time: the date of the topmost Received header, which the last hop wrote. */
export function receivedDate(fields: HeaderField[]): Date | undefined {
  const received = headerValue(fields, 'Received');
  if (received === undefined) return undefined;
  const semicolon = received.lastIndexOf(';');
  return semicolon < 0 ? undefined : parseMailDate(received.slice(semicolon + 1));
}

/** Returns the media type of the top-level part, lower case, without parameters. */
export function topContentType(fields: HeaderField[]): string {
  const value = headerValue(fields, 'Content-Type') ?? 'text/plain';
  return value.split(';')[0]!.trim().toLowerCase();
}
