/**
 * Encoders for the MIME builder: RFC 2047 encoded words, RFC 2231 parameter values,
 * quoted-printable and base64 bodies (RFC 2045), header folding and RFC 5322 dates.
 */

export const CRLF = '\r\n';

/**
 * RFC 2047 caps an encoded word at 75 characters and a header line that contains one at 76.
 * Words of at most 60 leave room for a field or parameter name on the same line.
 */
const ENCODED_WORD_LENGTH = 60;
const ENCODED_WORD_OVERHEAD = '=?UTF-8?Q?'.length + '?='.length;

/** RFC 2045: encoded body lines are at most 76 characters, quoted-printable's soft "=" included. */
const MAX_BODY_LINE = 76;

/**
 * RFC 5322: header lines should be at most 78 characters and must be at most 998. Folding aims
 * at 76, the limit RFC 2047 sets for lines with encoded words.
 */
const PREFERRED_HEADER_LINE = 76;
const MAX_LINE = 998;

export type WordEncoding = 'Q' | 'B';

/** Characters that may stay literal in a Q-encoded word inside a phrase (RFC 2047, section 5). */
const Q_LITERAL = /^[A-Za-z0-9!*+\-/]$/;

/** Returns true when every character of `text` exists in ISO-8859-1. */
export function isLatin1(text: string): boolean {
  // UTF-16 code units above 0xFF (surrogates included) are exactly the characters outside Latin-1.
  return !/[\u0100-\uffff]/.test(text);
}

export function isPrintableAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function encodeQChar(char: string): string {
  if (char === ' ') return '_';
  if (Q_LITERAL.test(char)) return char;

  let out = '';
  for (const byte of Buffer.from(char, 'utf8')) out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/**
 * Encodes text as UTF-8 encoded words separated by spaces, splitting only between characters
 * (an emoji's surrogate pair stays in one word) so that every word decodes on its own.
 */
export function encodeWords(text: string, encoding: WordEncoding): string {
  const prefix = `=?UTF-8?${encoding}?`;
  const maxPayload = ENCODED_WORD_LENGTH - ENCODED_WORD_OVERHEAD;
  const words: string[] = [];
  let pending = '';

  const payloadOf = (chunk: string): string =>
    encoding === 'B' ? Buffer.from(chunk, 'utf8').toString('base64') : [...chunk].map(encodeQChar).join('');

  for (const char of text) {
    if (payloadOf(pending + char).length > maxPayload && pending !== '') {
      words.push(`${prefix}${payloadOf(pending)}?=`);
      pending = '';
    }
    pending += char;
  }
  if (pending !== '' || words.length === 0) words.push(`${prefix}${payloadOf(pending)}?=`);
  return words.join(' ');
}

/** Encodes unstructured header text (such as Subject): literal when printable ASCII, else as encoded words. */
export function encodeHeaderText(text: string, encoding: WordEncoding): string {
  if (isPrintableAscii(text) && !text.includes('=?')) return text;
  return encodeWords(text, encoding);
}

export interface MailAddress {
  name?: string;
  address: string;
}

/** Formats one mailbox for From, To or Cc: an atom, quoted string or encoded-word phrase, then the address. */
export function formatMailbox(mailbox: MailAddress, encoding: WordEncoding = 'Q'): string {
  if (!mailbox.name) return mailbox.address;
  return `${formatPhrase(mailbox.name, encoding)} <${mailbox.address}>`;
}

function formatPhrase(name: string, encoding: WordEncoding): string {
  if (!isPrintableAscii(name) || name.includes('=?')) return encodeWords(name, encoding);
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(name)) return name;
  return `"${name.replace(/(["\\])/g, '\\$1')}"`;
}

/** Encodes a value as an RFC 2231 extended parameter: charset, empty language, percent-encoded UTF-8. */
export function encodeExtendedParameter(value: string): string {
  let out = "UTF-8''";
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /^[A-Za-z0-9!#$&+\-.^_`|~]$/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Builds the file name parameters in the style Outlook sends: `name`/`filename` as a quoted string
 * (encoded words where needed, which most readers accept) plus RFC 2231's `filename*` when the
 * name is not ASCII.
 */
export function fileNameParameters(fileName: string): { quoted: string; extended?: string } {
  const quoted = `"${encodeHeaderText(fileName, 'Q').replace(/(["\\])/g, '\\$1')}"`;
  if (isPrintableAscii(fileName)) return { quoted };
  return { quoted, extended: encodeExtendedParameter(fileName) };
}

/**
 * Folds a header at spaces so that lines stay within 76 characters where the value allows it.
 * Throws when a single unbreakable run would exceed RFC 5322's hard limit of 998.
 */
export function foldHeader(name: string, value: string): string {
  const lines: string[] = [];
  let line = `${name}:`;
  let lineHasToken = false;

  for (const token of value.split(' ')) {
    if (lineHasToken && line.length + 1 + token.length > PREFERRED_HEADER_LINE) {
      lines.push(line);
      line = '';
    }
    line += ` ${token}`;
    lineHasToken = true;
    if (line.length > MAX_LINE) throw new Error(`Header ${name} has an unbreakable run longer than ${MAX_LINE} characters`);
  }
  lines.push(line);
  return lines.join(CRLF);
}

/** Base64 in lines of 76 characters joined by CRLF, without a trailing line break. */
export function encodeBase64(bytes: Buffer): string {
  const encoded = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += MAX_BODY_LINE) lines.push(encoded.slice(i, i + MAX_BODY_LINE));
  return lines.join(CRLF);
}

/** Quoted-printable of text whose line breaks are CRLF; lines of at most 76 characters. */
export function encodeQuotedPrintable(text: string, charset: 'utf-8' | 'iso-8859-1'): string {
  const bytes = Buffer.from(toCrlf(text), charset === 'utf-8' ? 'utf8' : 'latin1');
  const hardLines = splitBytesAtCrlf(bytes);
  return hardLines.map(encodeQuotedPrintableLine).join(CRLF);
}

function encodeQuotedPrintableLine(line: Buffer): string {
  const tokens: string[] = [];
  for (let i = 0; i < line.length; i++) {
    const byte = line[i]!;
    const isLast = i === line.length - 1;
    const isWhitespace = byte === 0x20 || byte === 0x09;
    const literal = (byte >= 33 && byte <= 126 && byte !== 0x3d) || (isWhitespace && !isLast);
    tokens.push(literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`);
  }

  // Soft line breaks: each physical line contains at most 75 characters plus the trailing "=".
  const physical: string[] = [];
  let current = '';
  tokens.forEach((token, index) => {
    const remaining = index === tokens.length - 1 ? 0 : 1;
    if (current.length + token.length + remaining > MAX_BODY_LINE && current !== '') {
      physical.push(`${current}=`);
      current = '';
    }
    current += token;
  });
  physical.push(current);
  return physical.join(CRLF);
}

function splitBytesAtCrlf(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
      lines.push(bytes.subarray(start, i));
      start = i + 2;
      i++;
    }
  }
  lines.push(bytes.subarray(start));
  return lines;
}

/** Normalizes any mix of CR, LF and CRLF line breaks to CRLF. */
export function toCrlf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, CRLF);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Formats an instant as an RFC 5322 date in a fixed UTC offset (minutes east of UTC), such
 * as "Tue, 13 Jan 2026 09:42:17 +0100". The process time zone plays no part.
 */
export function formatRfc5322Date(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000);
  const two = (value: number): string => String(value).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const offset = `${sign}${two(Math.floor(Math.abs(offsetMinutes) / 60))}${two(Math.abs(offsetMinutes) % 60)}`;

  return (
    `${WEEKDAYS[local.getUTCDay()]}, ${two(local.getUTCDate())} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ` +
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ${offset}`
  );
}

/**
 * Returns the offset of German local time (CET or CEST) at an instant, in minutes east of UTC.
 * EU summer time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
 * Sunday of October.
 */
export function germanUtcOffsetMinutes(instant: Date): number {
  const year = instant.getUTCFullYear();
  const start = lastSundayAtOneUtc(year, 2);
  const end = lastSundayAtOneUtc(year, 9);
  const time = instant.getTime();
  return time >= start && time < end ? 120 : 60;
}

function lastSundayAtOneUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0, 1));
  return lastDay.getTime() - lastDay.getUTCDay() * 86_400_000;
}
