import { inflateSync } from 'node:zlib';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildCalendarInvite, buildCsv, buildPdf, buildPdfFrame, buildPng } from './m365-sim/content/fake-files.js';
import { deterministicGuid, displayNameFromAddress } from './m365-sim/content/ids.js';
import { buildMessage, type MessageSpec } from './m365-sim/content/mime-builder.js';
import {
  encodeBase64,
  encodeQuotedPrintable,
  encodeWords,
  foldHeader,
  formatRfc5322Date,
  germanUtcOffsetMinutes,
} from './m365-sim/content/mime-encoding.js';
import { SeededRandom } from './m365-sim/content/prng.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one RFC 2047 encoded word on its own; throws if its bytes are not complete UTF-8. */
function decodeWord(word: string): string {
  const match = /^=\?UTF-8\?([QB])\?(.*)\?=$/.exec(word);
  if (!match) throw new Error(`not an encoded word: ${word}`);
  const [, encoding, payload] = match as unknown as [string, string, string];
  if (encoding === 'B') return strictUtf8.decode(Buffer.from(payload, 'base64'));

  const bytes: number[] = [];
  for (let i = 0; i < payload.length; i++) {
    if (payload[i] === '_') bytes.push(0x20);
    else if (payload[i] === '=') {
      bytes.push(parseInt(payload.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(payload.charCodeAt(i));
  }
  return strictUtf8.decode(Buffer.from(bytes));
}

function decodeQuotedPrintable(encoded: string): Buffer {
  const bytes: number[] = [];
  const text = encoded.replace(/=\r\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i));
  }
  return Buffer.from(bytes);
}

const LONG_SUBJECT = '🎉 Größere Änderungen an der Übersicht für Lieferanten – bitte prüfen, ob alle Einträge stimmen (Straße, Postleitzahl) 🚀';

describe('encodeWords', () => {
  it.each(['Q', 'B'] as const)('%s words stay within 75 characters', (encoding) => {
    const words = encodeWords(LONG_SUBJECT, encoding).split(' ');

    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
  });

  it.each(['Q', 'B'] as const)('%s words each decode to whole characters', (encoding) => {
    const words = encodeWords(LONG_SUBJECT, encoding).split(' ');
    const decoded = words.map(decodeWord);

    expect(decoded.join('')).toBe(LONG_SUBJECT);
  });

  it('Q encodes specials and spaces', () => {
    const word = encodeWords('a=b_c?d ü', 'Q');

    expect(word).toBe('=?UTF-8?Q?a=3Db=5Fc=3Fd_=C3=BC?=');
  });
});

describe('encodeQuotedPrintable', () => {
  const text = `${'Grüße '.repeat(40)}\nZeile mit Leerzeichen am Ende   \nGleichheitszeichen = und Tab\t\n\nEnde`;

  it('keeps lines within 76 characters', () => {
    const encoded = encodeQuotedPrintable(text, 'utf-8');

    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
  });

  it('round-trips UTF-8 with CRLF breaks', () => {
    const decoded = decodeQuotedPrintable(encodeQuotedPrintable(text, 'utf-8'));

    expect(decoded.toString('utf8')).toBe(text.replace(/\n/g, '\r\n'));
  });

  it('encodes trailing whitespace and "="', () => {
    const encoded = encodeQuotedPrintable('a = b \nc\t', 'utf-8');

    expect(encoded).toBe('a =3D b=20\r\nc=09');
  });

  it('writes Latin-1 bytes for iso-8859-1', () => {
    expect(encodeQuotedPrintable('Grüße', 'iso-8859-1')).toBe('Gr=FC=DFe');
  });
});

describe('encodeBase64', () => {
  it('wraps at 76 and round-trips', () => {
    const bytes = new SeededRandom(7).fill(Buffer.alloc(1000));
    const encoded = encodeBase64(bytes);
    const lines = encoded.split('\r\n');

    expect(lines.slice(0, -1).every((line) => line.length === 76)).toBe(true);
    expect(lines.at(-1)!.length).toBeLessThanOrEqual(76);
    expect(Buffer.from(encoded.replace(/\r\n/g, ''), 'base64').equals(bytes)).toBe(true);
  });
});

describe('foldHeader', () => {
  it('folds at spaces within 76 characters', () => {
    const folded = foldHeader('Subject', encodeWords(LONG_SUBJECT, 'Q'));

    for (const line of folded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(folded.split('\r\n').slice(1).every((line) => line.startsWith(' '))).toBe(true);
  });

  it('rejects runs over 998 characters', () => {
    expect(() => foldHeader('X-Long', 'a'.repeat(1000))).toThrow(/998/);
  });
});

describe('dates', () => {
  it.each([
    ['2026-03-29T00:59:59Z', 60],
    ['2026-03-29T01:00:00Z', 120],
    ['2026-10-25T00:59:59Z', 120],
    ['2026-10-25T01:00:00Z', 60],
    ['2026-07-01T12:00:00Z', 120],
    ['2026-01-15T12:00:00Z', 60],
  ])('German offset at %s is %i minutes', (instant, offset) => {
    expect(germanUtcOffsetMinutes(new Date(instant))).toBe(offset);
  });

  it('formats RFC 5322 dates in the given offset', () => {
    expect(formatRfc5322Date(new Date('2026-03-29T01:00:00Z'), 120)).toBe('Sun, 29 Mar 2026 03:00:00 +0200');
    expect(formatRfc5322Date(new Date('2026-01-05T23:30:00Z'), 60)).toBe('Tue, 06 Jan 2026 00:30:00 +0100');
  });
});

describe('ids', () => {
  it('derives stable version-4 GUIDs', () => {
    const guid = deterministicGuid('anna.schmidt@musterfirma.de');

    expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicGuid('anna.schmidt@musterfirma.de')).toBe(guid);
    expect(deterministicGuid('jonas.mueller@musterfirma.de')).not.toBe(guid);
  });

  it('turns local parts into display names', () => {
    expect(displayNameFromAddress('anna.schmidt@musterfirma.de')).toBe('Anna Schmidt');
    expect(displayNameFromAddress('buchhaltung@musterfirma.de')).toBe('Buchhaltung');
    expect(displayNameFromAddress('max_von-berg@example.com')).toBe('Max Von Berg');
  });
});

describe('SeededRandom', () => {
  it('repeats its sequence for a seed', () => {
    const first = new SeededRandom(42);
    const second = new SeededRandom(42);
    const sequence = Array.from({ length: 20 }, () => first.next());

    expect(Array.from({ length: 20 }, () => second.next())).toEqual(sequence);
    expect(sequence.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Set(sequence).size).toBe(20);
  });
});

function sampleSpec(overrides: Partial<MessageSpec> = {}): MessageSpec {
  return {
    from: { name: 'Jürgen Köhler', address: 'rechnung@buerobedarf-koehler.example' },
    to: [{ name: 'Anna Schmidt', address: 'anna.schmidt@musterfirma.de' }, { name: 'Müller, Jonas', address: 'jonas.mueller@musterfirma.de' }],
    subject: 'Rechnung über 1.234,56 € – Bürobedarf',
    date: new Date('2026-02-03T09:15:00Z'),
    messageId: 'sample-1@buerobedarf-koehler.example',
    body: {
      type: 'multipart',
      subtype: 'mixed',
      parts: [
        { type: 'text', subtype: 'plain', text: 'Grüße aus Köln\nZweite Zeile', transferEncoding: 'quoted-printable', charset: 'iso-8859-1' },
        { type: 'file', contentType: 'application/pdf', fileName: 'Rechnung für März – sehr langer Dateiname mit Umlauten äöü und noch mehr Text.pdf', bytes: buildPdf(['Test']) },
      ],
    },
    ...overrides,
  };
}

describe('buildMessage', () => {
  it('produces a message mailparser reads back', async () => {
    const parsed = await simpleParser(buildMessage(sampleSpec()));

    expect(parsed.subject).toBe('Rechnung über 1.234,56 € – Bürobedarf');
    expect(parsed.from?.value[0]?.name).toBe('Jürgen Köhler');
    expect(parsed.messageId).toBe('<sample-1@buerobedarf-koehler.example>');
    expect(parsed.date?.toISOString()).toBe('2026-02-03T09:15:00.000Z');
    expect(parsed.text).toContain('Grüße aus Köln');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]?.filename).toBe('Rechnung für März – sehr langer Dateiname mit Umlauten äöü und noch mehr Text.pdf');
  });

  it('quotes display names with commas', async () => {
    const parsed = await simpleParser(buildMessage(sampleSpec()));
    const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;

    expect(to?.value.map((address) => address.name)).toEqual(['Anna Schmidt', 'Müller, Jonas']);
  });

  it('writes 7-bit CRLF lines within 998', () => {
    const text = buildMessage(sampleSpec()).toString('latin1');

    expect(text).not.toMatch(/[^\r]\n|\r[^\n]/);
    expect(text).not.toMatch(/[\x80-\xff]/);
    expect(text.endsWith('\r\n')).toBe(true);
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('derives boundaries from the Message-ID', () => {
    const first = buildMessage(sampleSpec());
    const again = buildMessage(sampleSpec());
    const other = buildMessage(sampleSpec({ messageId: 'sample-2@buerobedarf-koehler.example' }));
    const boundaryOf = (bytes: Buffer): string | undefined => /boundary="([^"]+)"/.exec(bytes.toString('latin1'))?.[1];

    expect(again.equals(first)).toBe(true);
    expect(boundaryOf(other)).not.toBe(boundaryOf(first));
  });

  it('rejects non-Latin-1 text in iso-8859-1 parts', () => {
    const spec = sampleSpec({ body: { type: 'text', subtype: 'plain', text: 'Preis: 10 €', transferEncoding: 'quoted-printable', charset: 'iso-8859-1' } });

    expect(() => buildMessage(spec)).toThrow(/Latin-1/);
  });

  it('rejects 8-bit attached messages', () => {
    const spec = sampleSpec({ body: { type: 'message', bytes: Buffer.from('Subject: Grüße\r\n\r\nx\r\n', 'utf8') } });

    expect(() => buildMessage(spec)).toThrow(/7-bit/);
  });

  it('attaches a message as message/rfc822', async () => {
    const inner = buildMessage(sampleSpec());
    const outer = buildMessage(
      sampleSpec({
        messageId: 'outer@musterfirma.de',
        subject: 'WG: Rechnung',
        body: {
          type: 'multipart',
          subtype: 'mixed',
          parts: [
            { type: 'text', subtype: 'plain', text: 'Zur Info', transferEncoding: 'base64' },
            { type: 'message', bytes: inner, fileName: 'Rechnung.eml' },
          ],
        },
      }),
    );
    const parsed = await simpleParser(outer);
    const attached = parsed.attachments.find((attachment) => attachment.contentType === 'message/rfc822');

    expect(attached).toBeDefined();
    expect(attached!.content.equals(inner.subarray(0, inner.length - 2))).toBe(true);
  });
});

describe('fake files', () => {
  it('PDF cross-reference offsets point at objects', () => {
    const pdf = buildPdf(['Rechnung RE-2026-0001', 'Summe: 1.190,00 €'], { padToBytes: 20_000, random: new SeededRandom(1) });
    const text = pdf.toString('latin1');
    const startXref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
    const offsets = [...text.slice(startXref).matchAll(/^(\d{10}) 00000 n $/gm)].map((match) => Number(match[1]));

    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.slice(startXref, startXref + 4)).toBe('xref');
    expect(offsets).toHaveLength(6);
    offsets.forEach((offset, index) => expect(text.slice(offset, offset + `${index + 1} 0 obj`.length)).toBe(`${index + 1} 0 obj`));
    expect(Math.abs(pdf.length - 20_000)).toBeLessThan(100);
  });

  it('PDF frame leaves room for streamed padding', () => {
    const frame = buildPdfFrame(['x'], 1234);
    const whole = Buffer.concat([frame.head, Buffer.alloc(1234, 0x41), frame.tail]).toString('latin1');

    expect(frame.head.toString('latin1')).toMatch(/<< \/Length 1234 >>\nstream\n$/);
    expect(whole.slice(Number(/startxref\n(\d+)/.exec(whole)?.[1]), Number(/startxref\n(\d+)/.exec(whole)?.[1]) + 4)).toBe('xref');
  });

  it('PNG chunks carry valid CRCs and pixels', () => {
    const png = buildPng(10, 4, [[255, 0, 0], [0, 0, 255]]);
    const idatLength = png.readUInt32BE(33);
    const idat = png.subarray(41, 41 + idatLength);

    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(10);
    expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
    expect(inflateSync(idat).length).toBe(4 * (1 + 10 * 3));
    expect(png.subarray(-8, -4).toString('ascii')).toBe('IEND');
    expect(png.subarray(-4).toString('hex')).toBe('ae426082');
  });

  it('CSV has BOM, semicolons and quoting', () => {
    const csv = buildCsv([['Artikel', 'Preis'], ['Stuhl; gepolstert', '1,00 €']]).toString('utf8');

    expect(csv).toBe('\ufeffArtikel;Preis\r\n"Stuhl; gepolstert";1,00 €\r\n');
  });

  it('calendar invite is an iCalendar request', () => {
    const ics = buildCalendarInvite({
      uid: 'u1@musterfirma.de',
      summary: 'Besprechung, Umbau',
      location: 'Raum 1',
      start: new Date('2026-02-03T09:00:00Z'),
      end: new Date('2026-02-03T10:00:00Z'),
      organizer: 'anna.schmidt@musterfirma.de',
      attendees: ['jonas.mueller@musterfirma.de'],
    }).toString('utf8');

    expect(ics).toContain('METHOD:REQUEST\r\n');
    expect(ics).toContain('DTSTART:20260203T090000Z\r\n');
    expect(ics).toContain('SUMMARY:Besprechung\\, Umbau\r\n');
  });
});
