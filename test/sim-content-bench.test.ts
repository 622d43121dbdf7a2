import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BENCH_MAILBOX, BENCH_PICKUP, buildBenchTenant } from './m365-sim/content/bench-tenant.js';
import { findFolder } from './m365-sim/content/folder-names.js';
import type { ContentMessage, TenantContent } from './m365-sim/content/types.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sim-bench-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function pickupMessages(tenant: TenantContent): ContentMessage[] {
  const mailbox = tenant.mailboxes.find((candidate) => candidate.address === BENCH_PICKUP.mailbox);
  const folder = mailbox && findFolder(mailbox, BENCH_PICKUP.folderPath);
  if (!folder) throw new Error('bench pickup folder missing');
  return folder.messages;
}

function bufferOf(message: ContentMessage): Buffer {
  if (message.mime.kind !== 'buffer') throw new Error('expected an in-memory message');
  return message.mime.bytes;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('buildBenchTenant small messages', () => {
  it('puts N messages of 5 to 20 KB in the pickup folder', async () => {
    const tenant = await buildBenchTenant({ smallMessages: 60 });
    const messages = pickupMessages(tenant);

    expect(tenant.mailboxes.map((mailbox) => mailbox.address)).toEqual([BENCH_MAILBOX]);
    expect(tenant.mailboxes[0]!.folders[0]!.displayName).toBe(BENCH_PICKUP.folderPath);
    expect(messages).toHaveLength(60);
    for (const message of messages) {
      expect(bufferOf(message).length).toBeGreaterThanOrEqual(5 * 1024);
      expect(bufferOf(message).length).toBeLessThanOrEqual(20 * 1024);
    }
  });

  it('builds the same bytes twice', async () => {
    const first = pickupMessages(await buildBenchTenant({ smallMessages: 20 })).map(bufferOf);
    const second = pickupMessages(await buildBenchTenant({ smallMessages: 20 })).map(bufferOf);

    second.forEach((bytes, index) => expect(bytes.equals(first[index]!)).toBe(true));
  });

  it('messages parse with distinct Message-IDs', async () => {
    const parsed = await Promise.all(pickupMessages(await buildBenchTenant({ smallMessages: 20 })).map((message) => simpleParser(bufferOf(message))));

    expect(new Set(parsed.map((mail) => mail.messageId)).size).toBe(20);
    for (const mail of parsed) {
      expect(mail.subject).toMatch(/^Rechnung RE-2026-\d{6} über Büromaterial$/);
      expect(mail.attachments[0]?.contentType).toBe('application/pdf');
    }
  });

  it('rejects a negative count', async () => {
    await expect(buildBenchTenant({ smallMessages: -1 })).rejects.toThrow(/non-negative integer/);
  });
});

describe('buildBenchTenant large message', () => {
  const target = 3 * 1024 * 1024;

  it('writes a file source of about the size asked', async () => {
    const messages = pickupMessages(await buildBenchTenant({ smallMessages: 2, largeMessageBytes: target, dir }));
    const large = messages.at(-1)!;

    if (large.mime.kind !== 'file') throw new Error('expected a file source');
    expect(messages).toHaveLength(3);
    expect(large.mime.path.startsWith(dir)).toBe(true);
    expect(large.mime.size).toBe((await stat(large.mime.path)).size);
    expect(Math.abs(large.mime.size - target)).toBeLessThan(200);
  });

  it('file is a valid message with a PDF', async () => {
    const large = pickupMessages(await buildBenchTenant({ smallMessages: 0, largeMessageBytes: target, dir }))[0]!;
    if (large.mime.kind !== 'file') throw new Error('expected a file source');
    const mail = await simpleParser(createReadStream(large.mime.path));
    const pdf = mail.attachments[0]!.content;
    const pdfText = pdf.toString('latin1');
    const startXref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(pdfText)?.[1]);

    expect(mail.subject).toBe('Kompletter Plansatz (sehr groß)');
    expect(pdfText.startsWith('%PDF-1.4')).toBe(true);
    expect(pdfText.slice(startXref, startXref + 4)).toBe('xref');
    expect(pdf.length).toBeGreaterThan(target * 0.7);
  });

  it('file has CRLF lines within 76 in the body', async () => {
    const large = pickupMessages(await buildBenchTenant({ smallMessages: 0, largeMessageBytes: target, dir }))[0]!;
    if (large.mime.kind !== 'file') throw new Error('expected a file source');
    const handle = await open(large.mime.path);
    try {
      const text = (await handle.readFile()).toString('latin1');
      const body = text.slice(text.indexOf('Content-Transfer-Encoding: base64\r\n\r\n'));

      expect(text).not.toMatch(/[^\r]\n|\r[^\n]/);
      expect(body.split('\r\n').every((line) => line.length <= 76)).toBe(true);
      expect(text.endsWith('--\r\n')).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it('writes the same bytes twice', async () => {
    const first = pickupMessages(await buildBenchTenant({ smallMessages: 0, largeMessageBytes: target, dir: join(dir, 'a') }))[0]!;
    const second = pickupMessages(await buildBenchTenant({ smallMessages: 0, largeMessageBytes: target, dir: join(dir, 'b') }))[0]!;
    if (first.mime.kind !== 'file' || second.mime.kind !== 'file') throw new Error('expected file sources');

    expect(await sha256File(second.mime.path)).toBe(await sha256File(first.mime.path));
  });

  it('needs a directory', async () => {
    await expect(buildBenchTenant({ smallMessages: 0, largeMessageBytes: target })).rejects.toThrow(/needs dir/);
  });
});
