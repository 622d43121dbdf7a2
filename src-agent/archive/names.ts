import { createHash } from 'node:crypto';
import path from 'node:path';
import { ArchiverError } from '../errors/index.js';

/** Message properties that make up its archive file name. */
export interface BaseNameInput {
  /** Graph's receivedDateTime, ISO 8601. */
  receivedDateTime: string;
  senderAddress?: string;
  subject?: string | null;
  /** Entra ID object ID of the mailbox's user. */
  mailboxId: string;
  /** Immutable Graph message ID. */
  messageId: string;
}

/** Maximum base name length in UTF-16 code units, the unit in which Windows counts name and path lengths. */
export const MAX_BASE_NAME_LENGTH = 150;

/**
 * Maximum base name length in UTF-8 bytes. Linux file systems (ext4, xfs, btrfs) limit one
 * name to 255 bytes, where an umlaut takes 2 bytes and an emoji 4. 240 leaves room for ".json".
 */
export const MAX_BASE_NAME_BYTES = 240;

/**
 * Maximum full path length of an archive file. Windows without long-path support stops at
 * MAX_PATH, 260 UTF-16 code units including the drive and the terminating NUL, and 255 keeps
 * a margin.
 */
export const MAX_PATH_LENGTH = 255;

const SENDER_MAX_LENGTH = 40;
const SENDER_MAX_BYTES = 80;
const ID_HASH_LENGTH = 10;
const UNKNOWN_SENDER = 'unknown-sender';
const NO_SUBJECT = 'no-subject';

// Of the extensions used with a base name, ".json" is longer than ".eml".
const LONGEST_EXTENSION = '.json';

// Characters Windows forbids in file names.
const WINDOWS_FORBIDDEN = /[<>:"/\\|?*]/g;
// C0 and C1 control characters, and line and paragraph separators.
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/gu;
// Invisible characters that can reorder what a reader sees (a right-to-left override can make
// "gpj.exe" look like "exe.jpg") or hide text: bidi marks, embeddings, isolates, zero-width
// space and the byte order mark. Zero-width joiners stay, since emoji sequences need them.
const INVISIBLE_CHARACTERS = /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
// Half of a surrogate pair without its partner cannot be encoded as UTF-8 or stored on NTFS.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TRAILING_DOTS_AND_SPACES = /[. ]+$/u;
// Windows device names, reserved with any extension ("con.txt") and any case.
const RESERVED_DEVICE_NAME = /^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])$/i;
const BASE_NAME_PATTERN = /^(\d{4}-\d{2}-\d{2}_\d{6})_(.*)_([0-9a-f]{10})$/su;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Builds the base name (without extension) of a message's `.eml` and `.json`:
 * `YYYY-MM-DD_HHMMSS_<sender>_<subject>_<idhash>`, with the received time in UTC. The id hash
 * (first 10 hex digits of SHA-256 over mailbox ID, a line feed and message ID) makes the name
 * unique and the same on every download of the message. Sender and subject are cleaned of
 * what Windows forbids and capped so the name stays within 150 characters and 240 UTF-8 bytes.
 * Because the name starts with a date, it can never be a Windows device name such as CON.
 */
export function archiveBaseName(input: BaseNameInput): string {
  const timestamp = formatTimestamp(input.receivedDateTime);
  const idHash = identityHash(input.mailboxId, input.messageId);

  const sender = fitText(sanitizeNamePart(input.senderAddress ?? ''), SENDER_MAX_LENGTH, SENDER_MAX_BYTES) || UNKNOWN_SENDER;

  const fixed = `${timestamp}_${sender}__${idHash}`;
  const subjectMaxLength = MAX_BASE_NAME_LENGTH - fixed.length;
  const subjectMaxBytes = MAX_BASE_NAME_BYTES - Buffer.byteLength(fixed, 'utf8');
  const subject = fitText(sanitizeNamePart(input.subject ?? ''), subjectMaxLength, subjectMaxBytes) || NO_SUBJECT;

  return `${timestamp}_${sender}_${subject}_${idHash}`;
}

/**
 * Returns `baseName`, shortened at its subject when `<dir>/<baseName>.json` would be longer
 * than 255 characters. The cut starts at the end of the subject and reaches into the sender
 * only when the subject is gone. Date and id hash always stay, so the result is as unique
 * and as deterministic as the input. Throws TARGET_PATH_TOO_LONG when even
 * `<date>_<idhash>` does not fit.
 */
export function checkPathLength(dir: string, baseName: string): string {
  const directory = path.resolve(dir);
  const excess = fullPathLength(directory, baseName) - MAX_PATH_LENGTH;
  if (excess <= 0) {
    return baseName;
  }

  const parts = BASE_NAME_PATTERN.exec(baseName);
  if (!parts) {
    throw new ArchiverError('INTERNAL', { details: { problem: `"${baseName}" is not an archive base name` } });
  }
  const [, timestamp, middle, idHash] = parts as unknown as [string, string, string, string];

  const shortMiddle = fitText(middle, Math.max(0, middle.length - excess), MAX_BASE_NAME_BYTES).replace(/[_. ]+$/u, '');
  const shortened = shortMiddle ? `${timestamp}_${shortMiddle}_${idHash}` : `${timestamp}_${idHash}`;
  if (fullPathLength(directory, shortened) > MAX_PATH_LENGTH) {
    throw new ArchiverError('TARGET_PATH_TOO_LONG', { details: { path: directory, max: MAX_PATH_LENGTH } });
  }
  return shortened;
}

/**
 * Tells whether `name` can be a file name on Windows as well as on Linux. Such a name is not
 * empty and has no forbidden or control characters, no path separator and no trailing dot
 * or space. It is not a device name, also not with an extension, and it has at most 255
 * UTF-16 code units and 255 UTF-8 bytes.
 */
export function isPortableFileName(name: string): boolean {
  if (name.length === 0 || name.length > 255 || Buffer.byteLength(name, 'utf8') > 255) {
    return false;
  }
  // search() ignores the global flag and lastIndex, unlike test() on these shared patterns.
  const unsafe = [WINDOWS_FORBIDDEN, CONTROL_CHARACTERS, LONE_SURROGATE, TRAILING_DOTS_AND_SPACES];
  if (unsafe.some((pattern) => name.search(pattern) !== -1)) {
    return false;
  }
  const stem = name.split('.')[0]!.trimEnd();
  return !RESERVED_DEVICE_NAME.test(stem);
}

/** First 10 hex digits of SHA-256 over `mailboxId + "\n" + messageId`. */
export function identityHash(mailboxId: string, messageId: string): string {
  return createHash('sha256').update(`${mailboxId}\n${messageId}`, 'utf8').digest('hex').slice(0, ID_HASH_LENGTH);
}

/**
 * Turns free text (a subject, an address) into something a file name can contain: NFC,
 * forbidden, control and invisible characters replaced by spaces, whitespace collapsed,
 * no leading or trailing spaces and no trailing dots. Umlauts and emoji stay.
 */
export function sanitizeNamePart(text: string): string {
  return text
    .normalize('NFC')
    .replace(LONE_SURROGATE, '')
    .replace(INVISIBLE_CHARACTERS, '')
    .replace(CONTROL_CHARACTERS, ' ')
    .replace(WINDOWS_FORBIDDEN, ' ')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(TRAILING_DOTS_AND_SPACES, '');
}

function formatTimestamp(receivedDateTime: string): string {
  const time = new Date(receivedDateTime);
  if (Number.isNaN(time.getTime())) {
    throw new ArchiverError('INTERNAL', { details: { problem: `receivedDateTime "${receivedDateTime}" is not a date` } });
  }
  const iso = time.toISOString();
  return `${iso.slice(0, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/**
 * Cuts `text` to at most `maxLength` UTF-16 code units and `maxBytes` UTF-8 bytes at a
 * grapheme boundary, so no emoji or accented letter is split, then drops trailing dots
 * and spaces.
 */
function fitText(text: string, maxLength: number, maxBytes: number): string {
  if (text.length <= maxLength && Buffer.byteLength(text, 'utf8') <= maxBytes) {
    return text;
  }

  let result = '';
  let bytes = 0;
  for (const { segment } of graphemes.segment(text)) {
    const segmentBytes = Buffer.byteLength(segment, 'utf8');
    if (result.length + segment.length > maxLength || bytes + segmentBytes > maxBytes) {
      break;
    }
    result += segment;
    bytes += segmentBytes;
  }
  return result.trimEnd().replace(TRAILING_DOTS_AND_SPACES, '');
}

function fullPathLength(directory: string, baseName: string): number {
  return path.join(directory, baseName + LONGEST_EXTENSION).length;
}
