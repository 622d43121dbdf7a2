/**
 * Content for benchmarks: one mailbox whose pickup folder contains many small messages and,
 * optionally, one huge message that is streamed to a file and never held in memory.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DEMO_MAIL_DOMAIN, DEMO_PRIMARY_DOMAIN } from './demo-data.js';
import type { DemoPickup } from './demo-tenant.js';
import { buildPdf, buildPdfFrame } from './fake-files.js';
import { stableHex, tenantIdFor, userIdFor } from './ids.js';
import { buildMessage } from './mime-builder.js';
import { CRLF, encodeHeaderText, formatRfc5322Date } from './mime-encoding.js';
import { SeededRandom } from './prng.js';
import type { ContentMessage, TenantContent } from './types.js';

export const BENCH_MAILBOX = `bench@${DEMO_MAIL_DOMAIN}`;

/** The benchmark's pickup folder: the mailbox's first top-level folder, without subfolders. */
export const BENCH_PICKUP: DemoPickup = { mailbox: BENCH_MAILBOX, folderPath: 'Abholordner', includeSubfolders: false };

export interface BenchTenantOptions {
  /** Number of small messages (about 5 to 20 KB each, built in memory). */
  smallMessages: number;
  /** Approximate size in bytes of one extra huge message (150 MB in the standard benchmark); none when absent or 0. */
  largeMessageBytes?: number;
  /** Directory the huge message is written to; required with `largeMessageBytes`. */
  dir?: string;
}

const BENCH_FIRST_INSTANT = Date.UTC(2026, 0, 5, 7, 0, 0);

/**
 * Builds the benchmark tenant. The same options give the same bytes; the huge message, if
 * asked for, is written to `dir` in chunks and served from that file.
 */
export async function buildBenchTenant(options: BenchTenantOptions): Promise<TenantContent> {
  if (!Number.isInteger(options.smallMessages) || options.smallMessages < 0) {
    throw new Error(`smallMessages must be a non-negative integer, got ${options.smallMessages}`);
  }
  const largeBytes = options.largeMessageBytes ?? 0;
  if (largeBytes > 0 && !options.dir) throw new Error('largeMessageBytes needs dir: the huge message is written to a file there');

  const messages: ContentMessage[] = [];
  const random = new SeededRandom(0xbe7c4);
  for (let index = 0; index < options.smallMessages; index++) messages.push(buildSmallMessage(index, random));
  if (largeBytes > 0) messages.push(await writeLargeMessage(options.dir!, largeBytes));

  return {
    tenantId: tenantIdFor(DEMO_PRIMARY_DOMAIN),
    domains: [DEMO_PRIMARY_DOMAIN, DEMO_MAIL_DOMAIN],
    mailboxes: [
      {
        address: BENCH_MAILBOX,
        displayName: 'Benchmark Postfach',
        id: userIdFor(BENCH_MAILBOX),
        hasMailbox: true,
        // The pickup folder comes first, so a caller may take `folders[0]` as the pickup folder.
        folders: [
          { displayName: 'Abholordner', children: [], messages },
          { displayName: 'Posteingang', wellKnownName: 'inbox', children: [], messages: [] },
        ],
      },
    ],
  };
}

function buildSmallMessage(index: number, random: SeededRandom): ContentMessage {
  const date = new Date(BENCH_FIRST_INSTANT + index * 60_000);
  const number = `RE-2026-${String(index + 1).padStart(6, '0')}`;
  // A PDF of 3.1 to 14 KB grows by a third in base64; with headers and text the message is 5 to 20 KB.
  const pdf = buildPdf(['Benchmark Lieferant GmbH', `Rechnung ${number}`], { padToBytes: random.int(3_100, 14_000), random });

  const mime = buildMessage({
    from: { name: 'Benchmark Lieferant', address: 'rechnung@bench-lieferant.example' },
    to: [{ name: 'Benchmark Postfach', address: BENCH_MAILBOX }],
    subject: `Rechnung ${number} über Büromaterial`,
    date,
    messageId: `${stableHex(`bench/${index}`, 24)}@bench-lieferant.example`,
    body: {
      type: 'multipart',
      subtype: 'mixed',
      parts: [
        { type: 'text', subtype: 'plain', text: `Sehr geehrte Damen und Herren,\n\nanbei die Rechnung ${number}.\n\nMit freundlichen Grüßen\nBenchmark Lieferant`, transferEncoding: 'quoted-printable' },
        { type: 'file', contentType: 'application/pdf', fileName: `${number}.pdf`, bytes: pdf },
      ],
    },
  });
  return { mime: { kind: 'buffer', bytes: mime }, receivedDateTime: `${date.toISOString().slice(0, 19)}Z` };
}

/** Base64 input is taken in groups of 57 bytes, which encode to exactly one 76-character line. */
const BASE64_LINE_BYTES = 57;
const CHUNK_BYTES = BASE64_LINE_BYTES * 4_096;

async function writeLargeMessage(dir: string, targetBytes: number): Promise<ContentMessage> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `bench-large-${targetBytes}.eml`);
  const date = new Date(BENCH_FIRST_INSTANT - 86_400_000);
  const boundary = `----=_Part_0_${stableHex(`bench/large/${targetBytes}`, 20)}`;

  const head = [
    'From: Benchmark Architekt <plaene@bench-architekt.example>',
    `To: Benchmark Postfach <${BENCH_MAILBOX}>`,
    `Subject: ${encodeHeaderText('Kompletter Plansatz (sehr groß)', 'Q')}`,
    `Date: ${formatRfc5322Date(date, 60)}`,
    `Message-ID: <${stableHex(`bench/large/${targetBytes}`, 24)}@bench-architekt.example>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset="utf-8"',
    'Content-Transfer-Encoding: 7bit',
    '',
    'Anbei der komplette Plansatz.',
    `--${boundary}`,
    'Content-Type: application/pdf; name="Plansatz_gesamt.pdf"',
    'Content-Disposition: attachment; filename="Plansatz_gesamt.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join(CRLF);
  const closing = `${CRLF}--${boundary}--${CRLF}`;

  // Each 57 raw bytes become 78 bytes of base64 line with CRLF.
  const rawBytes = Math.max(1_024, Math.floor(((targetBytes - head.length - closing.length) * BASE64_LINE_BYTES) / 78));
  const frameProbe = buildPdfFrame(['Plansatz gesamt'], rawBytes);
  const paddingLength = Math.max(1, rawBytes - frameProbe.head.length - frameProbe.tail.length);
  const frame = buildPdfFrame(['Plansatz gesamt'], paddingLength);

  await pipeline(Readable.from(largeMessageChunks(head, frame, paddingLength, closing)), createWriteStream(path));
  const { size } = await stat(path);
  return { mime: { kind: 'file', path, size }, receivedDateTime: `${date.toISOString().slice(0, 19)}Z` };
}

async function* largeMessageChunks(head: string, frame: { head: Buffer; tail: Buffer }, paddingLength: number, closing: string): AsyncGenerator<Buffer> {
  yield Buffer.from(head, 'ascii');
  yield* base64Lines(pdfBytes(frame, paddingLength));
  yield Buffer.from(closing, 'ascii');
}

function* pdfBytes(frame: { head: Buffer; tail: Buffer }, paddingLength: number): Generator<Buffer> {
  const random = new SeededRandom(0x1a46e);
  yield frame.head;
  for (let written = 0; written < paddingLength; written += CHUNK_BYTES) {
    yield random.fill(Buffer.alloc(Math.min(CHUNK_BYTES, paddingLength - written)));
  }
  yield frame.tail;
}

/** Encodes a byte stream as base64 lines of 76 characters joined by CRLF, without a trailing break. */
function* base64Lines(source: Iterable<Buffer>): Generator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  let first = true;

  const encode = (bytes: Buffer): Buffer => {
    const lines: string[] = [];
    for (let offset = 0; offset < bytes.length; offset += BASE64_LINE_BYTES) {
      lines.push(bytes.subarray(offset, offset + BASE64_LINE_BYTES).toString('base64'));
    }
    const text = (first ? '' : CRLF) + lines.join(CRLF);
    first = false;
    return Buffer.from(text, 'ascii');
  };

  for (const chunk of source) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const whole = pending.length - (pending.length % BASE64_LINE_BYTES);
    if (whole >= CHUNK_BYTES) {
      yield encode(pending.subarray(0, whole));
      pending = pending.subarray(whole);
    }
  }
  if (pending.length > 0) yield encode(pending);
}
