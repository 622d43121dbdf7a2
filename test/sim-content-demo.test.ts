import { createHash } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDemoTenant, DEMO_PICKUP } from './m365-sim/content/demo-tenant.js';
import { findFolder, listFolders } from './m365-sim/content/folder-names.js';
import type { ContentMailbox, ContentMessage, TenantContent } from './m365-sim/content/types.js';

interface FlatMessage {
  mailbox: string;
  folderPath: string;
  message: ContentMessage;
  bytes: Buffer;
}

function flatten(tenant: TenantContent): FlatMessage[] {
  return tenant.mailboxes.flatMap((mailbox) =>
    listFolders(mailbox.folders).flatMap(({ path, folder }) =>
      folder.messages.map((message) => {
        if (message.mime.kind !== 'buffer') throw new Error(`demo message in ${path} is not held in memory`);
        return { mailbox: mailbox.address, folderPath: path, message, bytes: message.mime.bytes };
      }),
    ),
  );
}

function tenantDigest(tenant: TenantContent): string {
  const hash = createHash('sha256');
  const structure = JSON.stringify(tenant, (key, value: unknown) => (key === 'mime' ? undefined : value));
  hash.update(structure);
  for (const { bytes } of flatten(tenant)) hash.update(bytes);
  return hash.digest('hex');
}

function headerBlock(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n'));
}

function mailboxOf(tenant: TenantContent, address: string): ContentMailbox {
  const mailbox = tenant.mailboxes.find((candidate) => candidate.address === address);
  if (!mailbox) throw new Error(`demo tenant has no mailbox ${address}`);
  return mailbox;
}

function countMessages(mailbox: ContentMailbox, folderPath: string, includeSubfolders: boolean): number {
  const folder = findFolder(mailbox, folderPath);
  if (!folder) throw new Error(`folder ${folderPath} not found`);
  if (!includeSubfolders) return folder.messages.length;
  return folder.messages.length + listFolders(folder.children).reduce((sum, entry) => sum + entry.folder.messages.length, 0);
}

let tenant: TenantContent;
let messages: FlatMessage[];
let parsed: ParsedMail[];

beforeAll(async () => {
  tenant = buildDemoTenant();
  messages = flatten(tenant);
  parsed = [];
  // keepCidLinks leaves cid: references in the HTML instead of turning them into data: URLs.
  for (const { bytes } of messages) parsed.push(await simpleParser(bytes, { keepCidLinks: true }));
});

describe('demo tenant determinism', () => {
  it('two builds are byte-identical', () => {
    const again = flatten(buildDemoTenant());

    expect(again).toHaveLength(messages.length);
    again.forEach((entry, index) => expect(entry.bytes.equals(messages[index]!.bytes)).toBe(true));
    expect(tenantDigest(buildDemoTenant())).toBe(tenantDigest(tenant));
  });

  it('ignores the process time zone', () => {
    const original = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      const farEast = tenantDigest(buildDemoTenant());
      process.env.TZ = 'America/Los_Angeles';
      const farWest = tenantDigest(buildDemoTenant());

      expect(farEast).toBe(tenantDigest(tenant));
      expect(farWest).toBe(tenantDigest(tenant));
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });
});

describe('demo tenant structure', () => {
  it('has the tenant domains and mailboxes', () => {
    expect(tenant.domains).toEqual(['musterfirma.onmicrosoft.com', 'musterfirma.de']);
    expect(tenant.tenantId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tenant.mailboxes.map((mailbox) => mailbox.address)).toEqual([
      'anna.schmidt@musterfirma.de',
      'buchhaltung@musterfirma.de',
      'info@musterfirma.de',
      'jonas.mueller@musterfirma.de',
      'scanner@musterfirma.de',
    ]);
  });

  it('gives every user a distinct GUID', () => {
    const ids = tenant.mailboxes.map((mailbox) => mailbox.id);

    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('scanner has no mailbox', () => {
    const scanner = mailboxOf(tenant, 'scanner@musterfirma.de');

    expect(scanner.hasMailbox).toBe(false);
    expect(scanner.folders).toEqual([]);
    expect(tenant.mailboxes.filter((mailbox) => !mailbox.hasMailbox)).toHaveLength(1);
  });

  it('Anna has the German folder tree', () => {
    const paths = listFolders(mailboxOf(tenant, 'anna.schmidt@musterfirma.de').folders).map((entry) => entry.path);

    expect(paths).toEqual(
      expect.arrayContaining([
        'Posteingang',
        'Posteingang/Rechnungen',
        'Posteingang/Lieferanten',
        'Posteingang/Projekte/Umbau 2026',
        'Gesendete Elemente',
        'Entwürfe',
        'Gelöschte Elemente',
        'Junk-E-Mail',
        'Archiv/Abholordner',
        'Archiv/Abholordner/Verträge',
        'Archiv/Abholordner/Steuer & Finanzen',
        'Archiv/Abholordner/Q1%2FQ2 Berichte',
        'Archiv/Abholordner/📦 Lieferungen',
      ]),
    );
  });

  it('keeps "/" inside a display name', () => {
    const folder = findFolder(mailboxOf(tenant, 'anna.schmidt@musterfirma.de'), 'Archiv/Abholordner/Q1%2FQ2 Berichte');

    expect(folder?.displayName).toBe('Q1/Q2 Berichte');
  });

  it('marks top-level well-known folders', () => {
    const anna = mailboxOf(tenant, 'anna.schmidt@musterfirma.de');
    const wellKnown = Object.fromEntries(anna.folders.map((folder) => [folder.displayName, folder.wellKnownName]));

    expect(wellKnown).toMatchObject({
      Posteingang: 'inbox',
      'Gesendete Elemente': 'sentitems',
      Entwürfe: 'drafts',
      'Gelöschte Elemente': 'deleteditems',
      'Junk-E-Mail': 'junkemail',
      Postausgang: 'outbox',
      Archiv: 'archive',
    });
    expect(mailboxOf(tenant, 'jonas.mueller@musterfirma.de').folders[0]).toMatchObject({ displayName: 'Inbox', wellKnownName: 'inbox' });
  });

  it('pickup folders hold 150 and 80 messages', () => {
    const counts = DEMO_PICKUP.map((pickup) => countMessages(mailboxOf(tenant, pickup.mailbox), pickup.folderPath, pickup.includeSubfolders));

    expect(DEMO_PICKUP.map((pickup) => pickup.mailbox)).toEqual(['anna.schmidt@musterfirma.de', 'buchhaltung@musterfirma.de']);
    expect(counts).toEqual([150, 80]);
    expect(messages.length).toBeGreaterThanOrEqual(300);
  });

  it('drafts are marked as drafts', () => {
    const drafts = messages.filter((entry) => entry.folderPath === 'Entwürfe' || entry.folderPath === 'Drafts');

    expect(drafts.length).toBeGreaterThan(0);
    expect(drafts.every((entry) => entry.message.isDraft === true)).toBe(true);
    expect(messages.filter((entry) => entry.message.isDraft).length).toBe(drafts.length);
  });

  it('some messages carry categories', () => {
    const categories = messages.flatMap((entry) => entry.message.categories ?? []);

    expect(categories).toContain('Rot');
    expect(categories).toContain('Wichtig');
    expect(messages.some((entry) => entry.folderPath.startsWith('Archiv/Abholordner') && (entry.message.categories?.length ?? 0) > 0)).toBe(true);
  });
});

describe('demo messages on the wire', () => {
  it('use CRLF only and 7-bit lines within 998', () => {
    for (const { bytes, folderPath } of messages) {
      const text = bytes.toString('latin1');

      expect(text, folderPath).not.toMatch(/[^\r]\n|\r[^\n]/);
      expect(text, folderPath).not.toMatch(/[\x80-\xff]/);
      expect(text.split('\r\n').every((line) => line.length <= 998), folderPath).toBe(true);
    }
  });

  it('carry Message-ID, Date and MIME-Version', () => {
    for (const { bytes } of messages) {
      const headers = headerBlock(bytes);

      expect(headers).toMatch(/^Message-ID: <[^>\s]+@[^>\s]+>$/m);
      expect(headers).toMatch(/^Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0[12]00$/m);
      expect(headers).toMatch(/^MIME-Version: 1\.0$/m);
    }
  });

  it('have unique Message-IDs', () => {
    const ids = parsed.map((mail) => mail.messageId);

    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keep encoded words and their lines short', () => {
    for (const { bytes } of messages) {
      const lines = bytes.toString('latin1').split('\r\n');
      for (const line of lines.filter((candidate) => candidate.includes('=?UTF-8?'))) {
        expect(line.length).toBeLessThanOrEqual(76);
        for (const word of line.match(/=\?[^?\s]+\?[QB]\?[^?\s]*\?=/g) ?? []) expect(word.length).toBeLessThanOrEqual(75);
      }
    }
  });

  it('use Q and B encoded subjects', () => {
    const subjects = messages.map(({ bytes }) => /^Subject: (.*(?:\r\n .*)*)/m.exec(headerBlock(bytes))?.[1] ?? '');

    expect(subjects.some((subject) => subject.startsWith('=?UTF-8?Q?'))).toBe(true);
    expect(subjects.some((subject) => subject.startsWith('=?UTF-8?B?'))).toBe(true);
  });

  it('use quoted-printable and base64 text bodies', () => {
    const all = messages.map(({ bytes }) => bytes.toString('latin1'));

    expect(all.some((text) => /Content-Type: text\/plain; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable/.test(text))).toBe(true);
    expect(all.some((text) => /Content-Type: text\/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64/.test(text))).toBe(true);
    expect(all.some((text) => /Content-Type: text\/plain; charset="iso-8859-1"\r\nContent-Transfer-Encoding: quoted-printable/.test(text))).toBe(true);
  });
});

describe('demo messages parsed', () => {
  it('every message parses with a subject and date', () => {
    expect(parsed).toHaveLength(messages.length);
    for (const mail of parsed) {
      expect(mail.subject?.length ?? 0).toBeGreaterThan(0);
      expect(Number.isNaN(mail.date?.getTime())).toBe(false);
      expect(mail.from?.value[0]?.address).toMatch(/@/);
    }
  });

  it('subjects decode to umlauts', () => {
    const subjects = parsed.map((mail) => mail.subject ?? '');

    expect(subjects.filter((subject) => /[äöüÄÖÜß]/.test(subject)).length).toBeGreaterThan(20);
    expect(subjects.some((subject) => subject.includes('–'))).toBe(true);
  });

  it('exactly one subject has an emoji', () => {
    const withEmoji = parsed.filter((mail) => /\p{Extended_Pictographic}/u.test(mail.subject ?? ''));

    expect(withEmoji).toHaveLength(1);
    expect(withEmoji[0]?.subject).toBe('🎉 Projektstart Umbau 2026 – vielen Dank an alle!');
  });

  it('sender names decode to umlauts', () => {
    const names = parsed.map((mail) => mail.from?.value[0]?.name ?? '');

    expect(names).toContain('Jonas Müller');
    expect(names.some((name) => /[äöüß]/.test(name) && name !== 'Jonas Müller')).toBe(true);
  });

  it('attachments are present and well-formed', () => {
    const attachments = parsed.flatMap((mail) => mail.attachments);
    const pdfs = attachments.filter((attachment) => attachment.contentType === 'application/pdf');

    expect(pdfs.length).toBeGreaterThan(100);
    for (const pdf of pdfs) {
      expect(pdf.content.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
      expect(pdf.content.subarray(-6).toString('latin1')).toBe('%%EOF\n');
    }
    expect(attachments.some((attachment) => attachment.contentType === 'text/csv')).toBe(true);
    expect(attachments.some((attachment) => attachment.contentType === 'text/calendar')).toBe(true);
    expect(attachments.some((attachment) => attachment.contentType === 'application/xml')).toBe(true);
  });

  it('attachment names decode to umlauts', () => {
    const names = parsed.flatMap((mail) => mail.attachments.map((attachment) => attachment.filename ?? ''));

    expect(names.some((name) => /[äöüß]/.test(name) && name.endsWith('.pdf'))).toBe(true);
    expect(names).toContain('Baupläne_Umbau_2026_Gesamt.pdf');
  });

  it('inline images are referenced by cid', () => {
    const withCid = parsed.filter((mail) => typeof mail.html === 'string' && mail.html.includes('cid:'));

    expect(withCid.length).toBeGreaterThan(5);
    for (const mail of withCid) {
      const referenced = [...(mail.html as string).matchAll(/cid:([^"'\s>]+)/g)].map((match) => match[1]);
      const inline = mail.attachments.filter((attachment) => attachment.related && attachment.contentDisposition === 'inline');

      expect(referenced.length).toBeGreaterThan(0);
      for (const cid of referenced) expect(inline.map((attachment) => attachment.cid)).toContain(cid);
      for (const image of inline) expect(image.content.subarray(1, 4).toString('ascii')).toBe('PNG');
    }
  });

  it('a message forwards another as message/rfc822', async () => {
    const forwarded = parsed.filter((mail) => mail.attachments.some((attachment) => attachment.contentType === 'message/rfc822'));
    const inner = await simpleParser(forwarded[0]!.attachments.find((attachment) => attachment.contentType === 'message/rfc822')!.content);

    expect(forwarded.length).toBeGreaterThan(0);
    expect(forwarded[0]!.subject).toMatch(/^WG: Rechnung /);
    expect(inner.subject).toBe(forwarded[0]!.subject!.slice('WG: '.length));
    expect(inner.attachments.some((attachment) => attachment.contentType === 'application/pdf')).toBe(true);
  });

  it('exactly one message exceeds 5 MB, in the pickup folder', () => {
    const large = messages.filter((entry) => entry.bytes.length > 5_000_000);

    expect(large).toHaveLength(1);
    expect(large[0]!.mailbox).toBe('anna.schmidt@musterfirma.de');
    expect(large[0]!.folderPath).toBe('Archiv/Abholordner');
  });
});
