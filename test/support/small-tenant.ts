import { createHash } from 'node:crypto';
import type { ContentFolder, ContentMailbox, ContentMessage, TenantContent } from '../m365-sim/content/types.js';

/** Builds a plain text message with an RFC 2047 subject, CRLF line endings and a stable Message-ID. */
export function textMessage(options: { subject: string; from?: string; to?: string; date?: string; body?: string; categories?: string[] }): ContentMessage {
  const subject = /^[\x20-\x7e]*$/.test(options.subject)
    ? options.subject
    : `=?UTF-8?B?${Buffer.from(options.subject, 'utf8').toString('base64')}?=`;
  const date = options.date ?? 'Tue, 03 Nov 2026 09:15:00 +0100';
  const id = createHash('sha256').update(options.subject + date).digest('hex').slice(0, 16);
  const lines = [
    `From: ${options.from ?? 'Lieferant GmbH <rechnung@lieferant.example>'}`,
    `To: ${options.to ?? 'Anna Schmidt <anna.schmidt@musterfirma.de>'}`,
    `Subject: ${subject}`,
    `Date: ${date}`,
    `Message-ID: <${id}@lieferant.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    options.body ?? `Guten Tag,\r\n\r\nanbei ${options.subject}.\r\n\r\nMit freundlichen Grüßen`,
    '',
  ];
  return { mime: { kind: 'buffer', bytes: Buffer.from(lines.join('\r\n'), 'utf8') }, ...(options.categories ? { categories: options.categories } : {}) };
}

/** Returns the MIME bytes of textMessage(options), for adding a message to a running simulator. */
export function textMime(options: Parameters<typeof textMessage>[0]): Buffer {
  const { mime } = textMessage(options);
  if (mime.kind !== 'buffer') throw new Error('textMessage builds messages in memory');
  return mime.bytes;
}

export function folder(displayName: string, messages: ContentMessage[], children: ContentFolder[] = []): ContentFolder {
  return { displayName, messages, children };
}

export function mailbox(address: string, folders: ContentFolder[], hasMailbox = true): ContentMailbox {
  const hex = createHash('sha256').update(address).digest('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  const local = address.split('@')[0] ?? address;
  return { address, displayName: local, id, hasMailbox, folders };
}

export function tenant(mailboxes: ContentMailbox[]): TenantContent {
  return { tenantId: '3f2b8c1e-5d4a-4b6c-9e7f-0a1b2c3d4e5f', domains: ['musterfirma.onmicrosoft.com', 'musterfirma.de'], mailboxes };
}

/** N numbered invoices, the usual content of a pickup folder. */
export function invoices(count: number, prefix = 'Rechnung'): ContentMessage[] {
  return Array.from({ length: count }, (_, index) =>
    textMessage({ subject: `${prefix} Nr. ${1000 + index} – Büromaterial`, date: `Tue, 03 Nov 2026 ${String(8 + (index % 10)).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}:00 +0100` }),
  );
}
