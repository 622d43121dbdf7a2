/**
 * Opaque Exchange-like IDs. Exchange IDs are base64 of a binary structure that starts with a
 * type marker and the mailbox; the simulator's IDs follow that shape with its own layout, so a
 * client cannot build one by hand and a damaged one is detectably malformed:
 *
 *   marker(4) | mailbox GUID(16) | kind(2) | key(16) | item number(8, messages only) | checksum(2)
 *
 * Regular REST IDs of messages change when a message moves (the item number is new), immutable
 * IDs keep their key for the message's life in the mailbox. Graph IDs are case-sensitive and use
 * the URL-safe base64 alphabet with `=` padding, for example `AAMkAGI2...AAA=`.
 */
import { createHash } from 'node:crypto';

export type IdKind = 'folder' | 'message' | 'immutable-message';

const MARKERS: Record<IdKind, number[]> = {
  folder: [0x00, 0x03, 0x2e, 0x00],
  message: [0x00, 0x03, 0x24, 0x00],
  'immutable-message': [0x00, 0x09, 0x2e, 0x00],
};
const KIND_BYTES: Record<IdKind, number[]> = {
  folder: [0x01, 0x00],
  message: [0x46, 0x00],
  'immutable-message': [0x46, 0x01],
};
const LENGTHS: Record<IdKind, number> = { folder: 38, message: 46, 'immutable-message': 38 };

export interface DecodedId {
  kind: IdKind;
  mailboxGuid: string;
  key: Buffer;
}

function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  if (/^[0-9a-f]{32}$/i.test(hex)) return Buffer.from(hex, 'hex');
  return createHash('sha256').update(guid).digest().subarray(0, 16);
}

function bytesToGuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function checksum(bytes: Buffer): Buffer {
  let sum = 0x5a5a;
  for (const byte of bytes) sum = (sum * 31 + byte) & 0xffff;
  return Buffer.from([sum >> 8, sum & 0xff]);
}

function toBase64Url(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Derives a deterministic 16-byte key from stable inputs, so content loaded twice gets the same IDs. */
export function stableKey(...parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest().subarray(0, 16);
}

/** Encodes an ID of `kind` for the mailbox whose user ID is `mailboxGuid`. */
export function encodeId(kind: IdKind, mailboxGuid: string, key: Buffer, itemNumber = 0): string {
  const parts = [Buffer.from(MARKERS[kind]), guidBytes(mailboxGuid), Buffer.from(KIND_BYTES[kind]), key.subarray(0, 16)];
  if (kind === 'message') {
    const number = Buffer.alloc(8);
    number.writeBigUInt64BE(BigInt(itemNumber));
    parts.push(number);
  }
  const body = Buffer.concat(parts);
  return toBase64Url(Buffer.concat([body, checksum(body)]));
}

/** Decodes an ID, or returns undefined when it is not one of the simulator's well-formed IDs. */
export function decodeId(id: string): DecodedId | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(id) || id.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(id.replace(/-/g, '+').replace(/_/g, '/'), 'base64');

  for (const kind of Object.keys(MARKERS) as IdKind[]) {
    if (bytes.length !== LENGTHS[kind] + 2) continue;
    const marker = MARKERS[kind];
    if (!marker.every((byte, index) => bytes[index] === byte)) continue;
    const body = bytes.subarray(0, LENGTHS[kind]);
    if (!checksum(body).equals(bytes.subarray(LENGTHS[kind]))) return undefined;
    const kindBytes = KIND_BYTES[kind];
    if (bytes[20] !== kindBytes[0] || bytes[21] !== kindBytes[1]) return undefined;
    return { kind, mailboxGuid: bytesToGuid(bytes.subarray(4, 20)), key: bytes.subarray(22, 38) };
  }
  return undefined;
}

/** Same mailbox test used when an ID from one mailbox is sent to another. */
export function sameMailbox(decoded: DecodedId, mailboxGuid: string): boolean {
  return guidBytes(mailboxGuid).equals(guidBytes(decoded.mailboxGuid));
}

/**
 * A change key in Exchange's shape (`CQAAABYAAAD...`): base64 of a version header and a 22-byte
 * value. Each change to an item gets a new one.
 */
export function makeChangeKey(mailboxGuid: string, counter: number): string {
  const header = Buffer.from([0x09, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00]);
  const value = Buffer.alloc(22);
  guidBytes(mailboxGuid).copy(value, 0);
  value.writeUIntBE(counter, 16, 6);
  return Buffer.concat([header, value]).toString('base64');
}
