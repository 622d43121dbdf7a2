/**
 * Demo templates for trade: invoices, offers, orders, order confirmations and payment
 * reminders, in German and English.
 */
import {
  addDays,
  formatEuro,
  formatEuroEnglish,
  formatGermanDate,
  formatIsoDate,
  PRODUCTS,
  SUPPLIERS,
  type DemoCompany,
  type DemoProduct,
} from './demo-data.js';
import { demoMessageId, documentNumber, greetingDe, mailerHeaders, type DemoMessageContext, type DemoTemplate } from './demo-message-context.js';
import { buildCsv, buildInvoiceXml, buildPdf, round2 } from './fake-files.js';
import type { MimeNode } from './mime-builder.js';
import { isLatin1 } from './mime-encoding.js';
import type { SeededRandom } from './prng.js';

interface LineItem {
  product: DemoProduct;
  quantity: number;
}

function pickItems(random: SeededRandom): LineItem[] {
  const count = random.int(1, 4);
  return Array.from({ length: count }, () => ({ product: random.pick(PRODUCTS), quantity: random.int(1, 12) }));
}

function netTotal(items: readonly LineItem[]): number {
  return round2(items.reduce((sum, item) => sum + item.product.unitPrice * item.quantity, 0));
}

export function germanSupplier(random: SeededRandom): DemoCompany {
  return random.pick(SUPPLIERS.filter((supplier) => supplier.language === 'de'));
}

function englishSupplier(random: SeededRandom): DemoCompany {
  return random.pick(SUPPLIERS.filter((supplier) => supplier.language === 'en'));
}

function invoicePdf(context: DemoMessageContext, supplier: DemoCompany, number: string, items: readonly LineItem[], english: boolean): Buffer {
  const net = netTotal(items);
  const lines = [
    supplier.company,
    english ? `Invoice ${number}` : `Rechnung ${number}`,
    `${english ? 'Date' : 'Datum'}: ${english ? formatIsoDate(context.date) : formatGermanDate(context.date)}`,
    '',
    ...items.map((item) => `${item.quantity} x ${english ? item.product.en : item.product.de}  ${english ? formatEuroEnglish(item.product.unitPrice) : formatEuro(item.product.unitPrice)}`),
    '',
    `${english ? 'Net' : 'Netto'}: ${english ? formatEuroEnglish(net) : formatEuro(net)}`,
    `${english ? 'VAT 19 %' : 'USt. 19 %'}: ${english ? formatEuroEnglish(round2(net * 0.19)) : formatEuro(round2(net * 0.19))}`,
    `${english ? 'Total' : 'Gesamt'}: ${english ? formatEuroEnglish(round2(net * 1.19)) : formatEuro(round2(net * 1.19))}`,
  ];
  return buildPdf(lines);
}

/** German supplier invoice: quoted-printable text, the PDF and sometimes the e-invoice XML. */
export const invoiceGerman: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const supplier = germanSupplier(random);
  const number = documentNumber(context, 'RE');
  const items = pickItems(random);
  const gross = round2(netTotal(items) * 1.19);
  const dueDate = addDays(date, 14);
  // Some senders still write Latin-1, which has no euro sign.
  const preferLatin1 = random.chance(0.3);

  const text = [
    greetingDe(owner),
    '',
    `anbei erhalten Sie unsere Rechnung ${number} vom ${formatGermanDate(date)} über ${formatEuro(gross, preferLatin1 ? 'EUR' : '€')}.`,
    `Bitte überweisen Sie den Betrag bis zum ${formatGermanDate(dueDate)} unter Angabe der Rechnungsnummer.`,
    '',
    'Für Rückfragen stehen wir Ihnen gerne zur Verfügung.',
    '',
    'Mit freundlichen Grüßen',
    supplier.contact.signature,
  ].join('\n');

  const charset = preferLatin1 && isLatin1(text) ? 'iso-8859-1' : 'utf-8';
  const parts: MimeNode[] = [
    { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable', charset },
    { type: 'file', contentType: 'application/pdf', fileName: `${number}.pdf`, bytes: invoicePdf(context, supplier, number, items, false) },
  ];
  if (random.chance(0.4)) {
    const xml = buildInvoiceXml({
      number,
      issueDate: formatIsoDate(date),
      dueDate: formatIsoDate(dueDate),
      seller: supplier.company,
      buyer: 'Musterfirma GmbH',
      netAmount: netTotal(items),
      taxRate: 19,
    });
    parts.push({ type: 'file', contentType: 'application/xml', fileName: `xrechnung_${number}.xml`, bytes: xml });
  }

  return {
    from: supplier.contact,
    to: [owner],
    subject: `Rechnung ${number} – ${supplier.company}`,
    subjectEncoding: random.chance(0.5) ? 'Q' : 'B',
    date,
    messageId: demoMessageId(context, supplier.domain),
    extraHeaders: mailerHeaders(supplier, random),
    body: { type: 'multipart', subtype: 'mixed', parts },
  };
};

/** English supplier invoice: base64 text body and a PDF. */
export const invoiceEnglish: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const supplier = englishSupplier(random);
  const number = documentNumber(context, 'INV');
  const items = pickItems(random);
  const gross = round2(netTotal(items) * 1.19);

  const text = [
    `Dear ${owner.name},`,
    '',
    `please find attached invoice ${number} dated ${formatIsoDate(date)} for ${formatEuroEnglish(gross)}.`,
    `Payment is due within 30 days (by ${formatIsoDate(addDays(date, 30))}).`,
    '',
    'Kind regards,',
    supplier.contact.signature,
  ].join('\n');

  return {
    from: supplier.contact,
    to: [owner],
    subject: `Invoice ${number} from ${supplier.company}`,
    date,
    messageId: demoMessageId(context, supplier.domain),
    extraHeaders: mailerHeaders(supplier, random),
    body: {
      type: 'multipart',
      subtype: 'mixed',
      parts: [
        { type: 'text', subtype: 'plain', text, transferEncoding: 'base64' },
        { type: 'file', contentType: 'application/pdf', fileName: `Invoice_${number}.pdf`, bytes: invoicePdf(context, supplier, number, items, true) },
      ],
    },
  };
};

/** German offer: text and HTML alternatives with a price table, and the offer as PDF. */
export const offerGerman: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const supplier = germanSupplier(random);
  const number = documentNumber(context, 'AN');
  const items = pickItems(random);
  const net = netTotal(items);
  const validUntil = formatGermanDate(addDays(date, 30));

  const text = [
    greetingDe(owner),
    '',
    `vielen Dank für Ihre Anfrage. Gerne unterbreiten wir Ihnen unser Angebot ${number}:`,
    '',
    ...items.map((item) => `- ${item.quantity} × ${item.product.de}: ${formatEuro(item.product.unitPrice * item.quantity)}`),
    '',
    `Summe netto: ${formatEuro(net)}, gültig bis ${validUntil}.`,
    '',
    'Mit freundlichen Grüßen',
    supplier.contact.signature,
  ].join('\n');

  const rows = items
    .map((item) => `<tr><td>${item.quantity}</td><td>${escapeHtml(item.product.de)}</td><td style="text-align:right">${formatEuro(item.product.unitPrice * item.quantity)}</td></tr>`)
    .join('\n');
  const html = [
    '<html><head><meta charset="utf-8"></head><body style="font-family:Calibri,Arial,sans-serif">',
    `<p>${escapeHtml(greetingDe(owner))}</p>`,
    `<p>vielen Dank für Ihre Anfrage. Gerne unterbreiten wir Ihnen unser Angebot <b>${number}</b>:</p>`,
    '<table border="1" cellpadding="4" cellspacing="0"><tr><th>Menge</th><th>Artikel</th><th>Preis</th></tr>',
    rows,
    `<tr><td colspan="2"><b>Summe netto</b></td><td style="text-align:right"><b>${formatEuro(net)}</b></td></tr></table>`,
    `<p>Das Angebot ist gültig bis ${validUntil}.</p>`,
    `<p>Mit freundlichen Grüßen<br>${escapeHtml(supplier.contact.signature).replace('\n', '<br>')}</p>`,
    '</body></html>',
  ].join('\n');

  return {
    from: supplier.contact,
    to: [owner],
    subject: `Angebot ${number}: ${random.pick(['Büroausstattung', 'Wartungsvertrag', 'Malerarbeiten Flur', 'Möblierung Besprechungsräume'])}`,
    subjectEncoding: 'Q',
    date,
    messageId: demoMessageId(context, supplier.domain),
    extraHeaders: mailerHeaders(supplier, random),
    body: {
      type: 'multipart',
      subtype: 'mixed',
      parts: [
        {
          type: 'multipart',
          subtype: 'alternative',
          parts: [
            { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable' },
            { type: 'text', subtype: 'html', text: html, transferEncoding: 'quoted-printable' },
          ],
        },
        { type: 'file', contentType: 'application/pdf', fileName: `Angebot_${number}.pdf`, bytes: buildPdf([supplier.company, `Angebot ${number}`, `Summe netto: ${formatEuro(net)}`]) },
      ],
    },
  };
};

/** German purchase order sent by the mailbox owner, with the order lines as CSV. */
export const orderGerman: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const supplier = germanSupplier(random);
  const number = documentNumber(context, 'BE');
  const items = pickItems(random);

  const csv = buildCsv([
    ['Pos.', 'Menge', 'Artikel', 'Einzelpreis'],
    ...items.map((item, index) => [String(index + 1), String(item.quantity), item.product.de, formatEuro(item.product.unitPrice)]),
  ]);
  const text = [
    'Sehr geehrte Damen und Herren,',
    '',
    `hiermit bestellen wir die Positionen aus der beigefügten Liste (Bestellnummer ${number}).`,
    `Bitte liefern Sie bis spätestens ${formatGermanDate(addDays(date, 10))} an unser Lager in der Hauptstraße 12.`,
    '',
    'Mit freundlichen Grüßen',
    owner.signature,
  ].join('\n');

  return {
    from: owner,
    to: [supplier.contact],
    cc: random.chance(0.5) ? [{ name: 'Buchhaltung Musterfirma', address: 'buchhaltung@musterfirma.de' }] : [],
    subject: `Bestellung ${number} – Lieferung bis ${formatGermanDate(addDays(date, 10))}`,
    date,
    messageId: demoMessageId(context, 'musterfirma.de'),
    extraHeaders: mailerHeaders(undefined, random),
    body: {
      type: 'multipart',
      subtype: 'mixed',
      parts: [
        { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable' },
        { type: 'file', contentType: 'text/csv; charset=utf-8', fileName: `Bestellpositionen_${number}.csv`, bytes: csv },
      ],
    },
  };
};

/** English order confirmation as HTML with a text alternative. */
export const orderConfirmationEnglish: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const supplier = englishSupplier(random);
  const number = documentNumber(context, 'ORD');
  const items = pickItems(random);

  const text = [`Hello ${owner.name},`, '', `thank you for your order ${number}. We will ship it within 5 working days.`, '', ...items.map((item) => `${item.quantity} x ${item.product.en}`), '', supplier.contact.signature].join('\n');
  const html = [
    '<html><body style="font-family:Segoe UI,Arial,sans-serif">',
    `<h2>Order confirmation ${number}</h2>`,
    `<p>Hello ${escapeHtml(owner.name)},<br>thank you for your order. We will ship it within 5 working days.</p>`,
    `<ul>${items.map((item) => `<li>${item.quantity} x ${escapeHtml(item.product.en)}</li>`).join('')}</ul>`,
    `<p>${escapeHtml(supplier.company)}</p>`,
    '</body></html>',
  ].join('\n');

  return {
    from: supplier.contact,
    to: [owner],
    subject: `Order confirmation ${number}`,
    date,
    messageId: demoMessageId(context, supplier.domain),
    extraHeaders: mailerHeaders(supplier, random),
    body: {
      type: 'multipart',
      subtype: 'alternative',
      parts: [
        { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable' },
        { type: 'text', subtype: 'html', text: html, transferEncoding: 'base64' },
      ],
    },
  };
};

/** Payment reminder in German, marked with high importance. */
export const reminderGerman: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const supplier = germanSupplier(random);
  const invoice = documentNumber(context, 'RE');
  const amount = round2(random.int(80, 4_000) + random.int(0, 99) / 100);

  const text = [
    'Sehr geehrte Damen und Herren,',
    '',
    `bei der Durchsicht unserer Konten haben wir festgestellt, dass die Rechnung ${invoice} über ${formatEuro(amount, 'EUR')} noch offen ist.`,
    `Sicher handelt es sich um ein Versehen. Bitte begleichen Sie den Betrag bis zum ${formatGermanDate(addDays(date, 7))}.`,
    '',
    'Sollten Sie die Zahlung bereits veranlasst haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.',
    '',
    'Mit freundlichen Grüßen',
    supplier.contact.signature,
  ].join('\n');

  return {
    from: supplier.contact,
    to: [owner],
    subject: `Zahlungserinnerung: Rechnung ${invoice} – Fälligkeit überschritten`,
    subjectEncoding: 'B',
    date,
    messageId: demoMessageId(context, supplier.domain),
    extraHeaders: [...mailerHeaders(supplier, random), ['Importance', 'high'], ['X-Priority', '1']],
    body: { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable', charset: isLatin1(text) ? 'iso-8859-1' : 'utf-8' },
  };
};

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
