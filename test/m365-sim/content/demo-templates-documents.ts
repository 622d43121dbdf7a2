/**
 * Demo templates for papers that get filed: contracts, tax documents, reports and delivery notes.
 */
import { addDays, formatEuro, formatGermanDate, SUPPLIERS, TAX_ADVISOR } from './demo-data.js';
import { demoMessageId, documentNumber, greetingDe, mailerHeaders, type DemoTemplate } from './demo-message-context.js';
import { buildCsv, buildPdf } from './fake-files.js';
import { isLatin1 } from './mime-encoding.js';
import { germanSupplier } from './demo-templates-trade.js';

/** Signed contract returned by a supplier, with an umlaut in the PDF's file name. */
export const contractGerman: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const supplier = germanSupplier(random);
  const subject = random.pick(['Wartungsvertrag', 'Rahmenvertrag Büromaterial', 'Vertragsänderung Reinigung', 'Mietvertrag Lagerfläche']);
  const number = documentNumber(context, 'V');

  const text = [
    greetingDe(owner),
    '',
    `anbei der von beiden Seiten unterschriebene ${subject} (${number}) für Ihre Unterlagen.`,
    `Die Laufzeit beginnt am ${formatGermanDate(addDays(date, 14))} und beträgt zwölf Monate.`,
    '',
    'Viele Grüße',
    supplier.contact.signature,
  ].join('\n');

  return {
    from: supplier.contact,
    to: [owner],
    subject: `${subject} ${number} – unterschriebene Fassung`,
    date,
    messageId: demoMessageId(context, supplier.domain),
    extraHeaders: mailerHeaders(supplier, random),
    body: {
      type: 'multipart',
      subtype: 'mixed',
      parts: [
        { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable' },
        { type: 'file', contentType: 'application/pdf', fileName: `${subject} ${number} – unterschrieben.pdf`, bytes: buildPdf([supplier.company, subject, number, 'Unterschrieben']) },
      ],
    },
  };
};

/** Tax papers from the tax advisor: Latin-1 text and a PDF. */
export const taxGerman: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const quarter = Math.floor(date.getUTCMonth() / 3) + 1;
  const topic = random.pick([`Umsatzsteuer-Voranmeldung Q${quarter}/${date.getUTCFullYear()}`, `Lohnsteuerbescheinigungen ${date.getUTCFullYear() - 1}`, `Jahresabschluss ${date.getUTCFullYear() - 1} – Entwurf`, 'Prüfungsanordnung Betriebsprüfung']);

  const text = [
    greetingDe(owner),
    '',
    `in der Anlage übersenden wir Ihnen die Unterlagen zum Thema "${topic}".`,
    'Bitte prüfen Sie die Angaben und geben Sie uns bis Monatsende eine kurze Rückmeldung.',
    '',
    'Mit freundlichen Grüßen',
    TAX_ADVISOR.contact.signature,
  ].join('\n');

  return {
    from: TAX_ADVISOR.contact,
    to: [owner],
    subject: topic,
    addressEncoding: 'B',
    date,
    messageId: demoMessageId(context, TAX_ADVISOR.domain),
    extraHeaders: mailerHeaders(TAX_ADVISOR, random),
    body: {
      type: 'multipart',
      subtype: 'mixed',
      parts: [
        { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable', charset: isLatin1(text) ? 'iso-8859-1' : 'utf-8' },
        { type: 'file', contentType: 'application/pdf', fileName: `${topic.replace(/[/:]/g, '-')}.pdf`, bytes: buildPdf([TAX_ADVISOR.company, topic]) },
      ],
    },
  };
};

/** Quarterly report with figures as CSV and a summary PDF; the subject contains "Q1/Q2". */
export const reportGerman: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const year = date.getUTCFullYear();
  const rows = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni'].map((month) => [month, formatEuro(random.int(40_000, 90_000)), formatEuro(random.int(30_000, 70_000))]);

  const text = [
    greetingDe(owner),
    '',
    `anbei die Zahlen für Q1/Q2 ${year} als CSV und die Zusammenfassung als PDF.`,
    'Auffällig sind die gestiegenen Materialkosten im Mai; Details besprechen wir im Controlling-Termin.',
    '',
    'Viele Grüße',
    'Controlling Musterfirma',
  ].join('\n');

  return {
    from: { name: 'Controlling Musterfirma', address: 'controlling@musterfirma.de' },
    to: [owner],
    subject: `Quartalsbericht Q1/Q2 ${year} – Umsätze und Kosten`,
    date,
    messageId: demoMessageId(context, 'musterfirma.de'),
    extraHeaders: mailerHeaders(undefined, random),
    body: {
      type: 'multipart',
      subtype: 'mixed',
      parts: [
        { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable' },
        { type: 'file', contentType: 'text/csv; charset=utf-8', fileName: `Umsatz_Kosten_Q1-Q2_${year}.csv`, bytes: buildCsv([['Monat', 'Umsatz', 'Kosten'], ...rows]) },
        { type: 'file', contentType: 'application/pdf', fileName: `Quartalsbericht_Q1-Q2_${year}.pdf`, bytes: buildPdf(['Quartalsbericht', ...rows.map((row) => row.join('  '))]) },
      ],
    },
  };
};

/** Delivery note from the logistics company. */
export const deliveryGerman: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const supplier = SUPPLIERS.find((candidate) => candidate.domain.startsWith('nordlicht')) ?? germanSupplier(random);
  const number = documentNumber(context, 'LS');
  const packages = random.int(1, 9);

  const text = [
    greetingDe(owner),
    '',
    `Ihre Sendung mit ${packages} Packstück(en) wurde am ${formatGermanDate(date)} zugestellt.`,
    `Den Lieferschein ${number} finden Sie im Anhang.`,
    '',
    'Freundliche Grüße',
    supplier.contact.signature,
  ].join('\n');

  return {
    from: supplier.contact,
    to: [owner],
    subject: `Lieferschein ${number} – Zustellung erfolgt`,
    date,
    messageId: demoMessageId(context, supplier.domain),
    extraHeaders: mailerHeaders(supplier, random),
    body: {
      type: 'multipart',
      subtype: 'mixed',
      parts: [
        { type: 'text', subtype: 'plain', text, transferEncoding: 'base64' },
        { type: 'file', contentType: 'application/pdf', fileName: `Lieferschein_${number}.pdf`, bytes: buildPdf([supplier.company, `Lieferschein ${number}`, `Packstücke: ${packages}`]) },
      ],
    },
  };
};
