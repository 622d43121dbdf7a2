/**
 * Small but well-formed attachment files for the demo content: PDF, PNG, CSV, a UBL invoice
 * XML and an iCalendar invitation. They open in ordinary viewers, and none contains real data.
 */
import type { SeededRandom } from './prng.js';

/** Bytes of a one-page PDF 1.4 that shows `lines` in Helvetica; `padToBytes` adds an unused binary stream to reach about that size. */
export function buildPdf(lines: readonly string[], options: { padToBytes?: number; random?: SeededRandom } = {}): Buffer {
  const unpadded = buildPdfFrame(lines, 0);
  const paddingLength = (options.padToBytes ?? 0) - unpadded.head.length - unpadded.tail.length;
  if (paddingLength <= 0) return Buffer.concat([unpadded.head, unpadded.tail]);

  const frame = buildPdfFrame(lines, paddingLength);
  const padding = Buffer.alloc(paddingLength);
  if (options.random) options.random.fill(padding);
  return Buffer.concat([frame.head, padding, frame.tail]);
}

/**
 * Builds the parts of a one-page PDF around an unused binary stream of `paddingLength` bytes, so that
 * head, padding and tail in sequence form a valid file. Large files stream the padding instead
 * of holding it; a length of 0 leaves the stream out.
 */
export function buildPdfFrame(lines: readonly string[], paddingLength: number): { head: Buffer; tail: Buffer } {
  const content = ['BT', '/F1 11 Tf', '14 TL', '56 780 Td', ...lines.map((line) => `(${pdfString(line)}) '`), 'ET'].join('\n');
  const objects: Buffer[] = [
    latin1('<< /Type /Catalog /Pages 2 0 R >>'),
    latin1('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    latin1('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'),
    pdfStream(latin1(content)),
    latin1('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'),
  ];

  // The comment of high bytes on line two marks the file as binary for transfer tools.
  const headChunks: Buffer[] = [latin1('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')];
  const offsets: number[] = [];
  let length = headChunks[0]!.length;
  for (const [index, body] of objects.entries()) {
    offsets.push(length);
    const object = Buffer.concat([latin1(`${index + 1} 0 obj\n`), body, latin1('\nendobj\n')]);
    headChunks.push(object);
    length += object.length;
  }

  const tailChunks: Buffer[] = [];
  if (paddingLength > 0) {
    offsets.push(length);
    const paddingHead = latin1(`${objects.length + 1} 0 obj\n<< /Length ${paddingLength} >>\nstream\n`);
    const paddingTail = latin1('\nendstream\nendobj\n');
    headChunks.push(paddingHead);
    tailChunks.push(paddingTail);
    length += paddingHead.length + paddingLength + paddingTail.length;
  }

  const xrefEntries = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  tailChunks.push(
    latin1(`xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n${xrefEntries}`),
    latin1(`trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`),
  );
  return { head: Buffer.concat(headChunks), tail: Buffer.concat(tailChunks) };
}

function pdfStream(data: Buffer): Buffer {
  return Buffer.concat([latin1(`<< /Length ${data.length} >>\nstream\n`), data, latin1('\nendstream')]);
}

/** Escapes text as a PDF literal string in WinAnsiEncoding: the euro sign is 0x80, characters outside Latin-1 become "?". */
function pdfString(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '€') out += '\x80';
    else if (code > 0xff) out += '?';
    else if (char === '(' || char === ')' || char === '\\') out += `\\${char}`;
    else out += char;
  }
  return out;
}

function latin1(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** Bytes of an RGB PNG with horizontal bands in the given colours, stored without compression. */
export function buildPng(width: number, height: number, colors: ReadonlyArray<[number, number, number]>): Buffer {
  const rowLength = 1 + width * 3;
  const pixels = Buffer.alloc(rowLength * height);
  for (let y = 0; y < height; y++) {
    const [red, green, blue] = colors[Math.floor((y * colors.length) / height)] ?? [0, 0, 0];
    pixels[y * rowLength] = 0;
    for (let x = 0; x < width; x++) {
      const offset = y * rowLength + 1 + x * 3;
      pixels[offset] = red;
      pixels[offset + 1] = green;
      pixels[offset + 2] = blue;
    }
  }

  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);

  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlibStored(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * Wraps data in a zlib stream of stored (uncompressed) deflate blocks, written by hand because zlib's
 * compressed output may differ between zlib builds, and the demo must give the same bytes
 * everywhere.
 */
function zlibStored(data: Buffer): Buffer {
  const chunks: Buffer[] = [Buffer.from([0x78, 0x01])];
  const maxBlock = 65_535;
  for (let offset = 0; offset === 0 || offset < data.length; offset += maxBlock) {
    const block = data.subarray(offset, offset + maxBlock);
    const isFinal = offset + maxBlock >= data.length;
    const blockHeader = Buffer.alloc(5);
    blockHeader[0] = isFinal ? 1 : 0;
    blockHeader.writeUInt16LE(block.length, 1);
    blockHeader.writeUInt16LE(~block.length & 0xffff, 3);
    chunks.push(blockHeader, block);
  }

  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(adler32(data));
  chunks.push(checksum);
  return Buffer.concat(chunks);
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65_521;
    b = (b + a) % 65_521;
  }
  return ((b << 16) | a) >>> 0;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Builds a CSV file as German spreadsheet programs write it: UTF-8 with BOM, ";" separators, CRLF. */
export function buildCsv(rows: ReadonlyArray<ReadonlyArray<string>>): Buffer {
  const quote = (cell: string): string => (/[;"\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
  const text = rows.map((row) => row.map(quote).join(';')).join('\r\n');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${text}\r\n`, 'utf8')]);
}

export interface InvoiceXmlData {
  number: string;
  issueDate: string;
  dueDate: string;
  seller: string;
  buyer: string;
  netAmount: number;
  taxRate: number;
}

/** Builds a reduced UBL 2.1 invoice of the kind German e-invoices (XRechnung) are based on. */
export function buildInvoiceXml(invoice: InvoiceXmlData): Buffer {
  const tax = round2((invoice.netAmount * invoice.taxRate) / 100);
  const escape = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"',
    '         xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"',
    '         xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">',
    `  <cbc:ID>${escape(invoice.number)}</cbc:ID>`,
    `  <cbc:IssueDate>${invoice.issueDate}</cbc:IssueDate>`,
    `  <cbc:DueDate>${invoice.dueDate}</cbc:DueDate>`,
    '  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>',
    '  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>',
    `  <cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>${escape(invoice.seller)}</cbc:Name></cac:PartyName></cac:Party></cac:AccountingSupplierParty>`,
    `  <cac:AccountingCustomerParty><cac:Party><cac:PartyName><cbc:Name>${escape(invoice.buyer)}</cbc:Name></cac:PartyName></cac:Party></cac:AccountingCustomerParty>`,
    `  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">${tax.toFixed(2)}</cbc:TaxAmount></cac:TaxTotal>`,
    '  <cac:LegalMonetaryTotal>',
    `    <cbc:TaxExclusiveAmount currencyID="EUR">${invoice.netAmount.toFixed(2)}</cbc:TaxExclusiveAmount>`,
    `    <cbc:PayableAmount currencyID="EUR">${(invoice.netAmount + tax).toFixed(2)}</cbc:PayableAmount>`,
    '  </cac:LegalMonetaryTotal>',
    '</Invoice>',
  ].join('\n');
  return Buffer.from(`${xml}\n`, 'utf8');
}

export interface CalendarEventData {
  uid: string;
  summary: string;
  location: string;
  /** Start and end as UTC instants. */
  start: Date;
  end: Date;
  organizer: string;
  attendees: readonly string[];
}

/** Builds an iCalendar REQUEST with one event, as a meeting invitation carries it. */
export function buildCalendarInvite(event: CalendarEventData): Buffer {
  const stamp = (date: Date): string => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const escape = (text: string): string => text.replace(/([,;\\])/g, '\\$1');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Musterfirma//M365 Simulator Demo//DE',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `DTSTAMP:${stamp(event.start)}`,
    `DTSTART:${stamp(event.start)}`,
    `DTEND:${stamp(event.end)}`,
    `SUMMARY:${escape(event.summary)}`,
    `LOCATION:${escape(event.location)}`,
    `ORGANIZER:mailto:${event.organizer}`,
    ...event.attendees.map((attendee) => `ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:${attendee}`),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
