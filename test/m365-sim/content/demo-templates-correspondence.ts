/**
 * Demo templates for everyday correspondence: newsletters with inline images, a forwarded
 * message, meeting invitations, internal notes, sent replies, spam, and the two one-off
 * messages (the emoji subject and the large attachment).
 */
import {
  ACCOUNTING,
  ANNA,
  ARCHITECT,
  JONAS,
  NEWSLETTER_DE,
  NEWSLETTER_EN,
  PROJECT_TOPICS,
  SPAMMER,
  SUPPLIERS,
  formatGermanDate,
  type DemoPerson,
} from './demo-data.js';
import { demoMessageId, greetingDe, mailerHeaders, type DemoMessageContext, type DemoTemplate } from './demo-message-context.js';
import { escapeHtml, invoiceGerman } from './demo-templates-trade.js';
import { buildCalendarInvite, buildPdf, buildPng } from './fake-files.js';
import { buildMessage, type MessageSpec } from './mime-builder.js';
import { stableHex } from './ids.js';

/** Size of the attachment of the one large demo message: 6 MiB, above the 5 MB mark tests look for. */
export const LARGE_ATTACHMENT_BYTES = 6 * 1024 * 1024;

const LOGO_COLORS: ReadonlyArray<[number, number, number]> = [
  [0, 84, 159],
  [255, 255, 255],
  [227, 6, 19],
];

function newsletter(context: DemoMessageContext, language: 'de' | 'en'): MessageSpec {
  const { random, owner, date } = context;
  const sender = language === 'de' ? NEWSLETTER_DE : NEWSLETTER_EN;
  const logoId = `logo.${stableHex(`${context.key}#logo`, 12)}@${sender.domain}`;
  const bannerId = `banner.${stableHex(`${context.key}#banner`, 12)}@${sender.domain}`;
  const headline =
    language === 'de'
      ? random.pick(['Förderprogramme für den Mittelstand', 'Neue Pflichten bei der E-Rechnung', 'Fachkräfte gewinnen: fünf Ideen', 'Energiekosten senken im Büro'])
      : random.pick(['Five ways to cut your cloud bill', 'What changed in mail security this month', 'Backup strategies that actually restore']);
  const issue = `${language === 'de' ? 'Ausgabe' : 'Issue'} ${random.int(10, 99)}`;

  const text = language === 'de'
    ? `${headline}\n\nDie ganze Ausgabe lesen Sie in der HTML-Ansicht.\n\nAbmelden: https://${sender.domain}/abmelden`
    : `${headline}\n\nRead the full issue in the HTML view.\n\nUnsubscribe: https://${sender.domain}/unsubscribe`;
  const html = [
    '<html><body style="font-family:Arial,sans-serif;max-width:640px">',
    `<img src="cid:${logoId}" alt="${escapeHtml(sender.company)}" width="120" height="40">`,
    `<h1>${escapeHtml(headline)}</h1>`,
    `<img src="cid:${bannerId}" alt="" width="600" height="80">`,
    `<p>${language === 'de' ? 'Liebe Leserinnen und Leser, in dieser Ausgabe geht es um' : 'Dear reader, this issue is about'} ${escapeHtml(headline.toLowerCase())}.</p>`,
    `<p style="font-size:11px"><a href="https://${sender.domain}/${language === 'de' ? 'abmelden' : 'unsubscribe'}">${language === 'de' ? 'Abmelden' : 'Unsubscribe'}</a></p>`,
    '</body></html>',
  ].join('\n');

  return {
    from: sender.contact,
    to: [owner],
    subject: `${issue}: ${headline}`,
    subjectEncoding: 'B',
    date,
    messageId: demoMessageId(context, sender.domain),
    extraHeaders: [['List-Unsubscribe', `<https://${sender.domain}/unsubscribe>`], ['Precedence', 'bulk']],
    body: {
      type: 'multipart',
      subtype: 'related',
      parts: [
        {
          type: 'multipart',
          subtype: 'alternative',
          parts: [
            { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable' },
            { type: 'text', subtype: 'html', text: html, transferEncoding: 'quoted-printable' },
          ],
        },
        { type: 'file', contentType: 'image/png', fileName: 'logo.png', bytes: buildPng(48, 16, LOGO_COLORS), contentId: logoId },
        { type: 'file', contentType: 'image/png', fileName: 'banner.png', bytes: buildPng(40, 6, [[random.int(0, 255), 120, 200]]), contentId: bannerId },
      ],
    },
  };
}

/** German newsletter: HTML with a logo and a banner as inline images (multipart/related, cid). */
export const newsletterGerman: DemoTemplate = (context) => newsletter(context, 'de');

/** English newsletter, built the same way. */
export const newsletterEnglish: DemoTemplate = (context) => newsletter(context, 'en');

/** Builds a colleague's forward of a supplier invoice as an attached message/rfc822. */
export const forwardedInvoice: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const colleague = owner.address === JONAS.address ? ANNA : JONAS;
  const original = invoiceGerman({ ...context, key: `${context.key}#original`, date: new Date(date.getTime() - 86_400_000) });
  const originalBytes = buildMessage({ ...original, to: [colleague] });

  const text = [greetingDe(owner), '', 'diese Rechnung kam bei mir an, gehört aber zu deinem Projekt. Kannst du sie bitte prüfen und ablegen?', '', 'Danke und Gruß', colleague.signature].join('\n');

  return {
    from: colleague,
    to: [owner],
    subject: `WG: ${original.subject}`,
    date,
    messageId: demoMessageId(context, 'musterfirma.de'),
    extraHeaders: mailerHeaders(undefined, random),
    body: {
      type: 'multipart',
      subtype: 'mixed',
      parts: [
        { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable' },
        { type: 'message', bytes: originalBytes, fileName: `${original.subject}.eml` },
      ],
    },
  };
};

/** Meeting invitation with an iCalendar attachment. */
export const meetingGerman: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const topic = random.pick(PROJECT_TOPICS);
  const organizer: DemoPerson = owner.address === ANNA.address ? JONAS : ANNA;
  const start = new Date(date.getTime() + random.int(2, 10) * 86_400_000);
  const uid = `${stableHex(context.key, 32)}@musterfirma.de`;
  const invite = buildCalendarInvite({
    uid,
    summary: `Besprechung ${topic}`,
    location: 'Besprechungsraum „Rhein“, 2. OG',
    start,
    end: new Date(start.getTime() + 3_600_000),
    organizer: organizer.address,
    attendees: [owner.address],
  });

  const text = [`Einladung: Besprechung ${topic}`, `Wann: ${formatGermanDate(start)}, eine Stunde`, 'Wo: Besprechungsraum „Rhein“, 2. OG', '', 'Bitte sagt kurz zu oder ab.', '', organizer.signature].join('\n');

  return {
    from: organizer,
    to: [owner],
    subject: `Einladung: Besprechung ${topic} am ${formatGermanDate(start)}`,
    date,
    messageId: demoMessageId(context, 'musterfirma.de'),
    extraHeaders: mailerHeaders(undefined, random),
    body: {
      type: 'multipart',
      subtype: 'mixed',
      parts: [
        { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable' },
        { type: 'file', contentType: 'text/calendar; method=REQUEST; charset=utf-8', fileName: 'einladung.ics', bytes: invite },
      ],
    },
  };
};

/** Short internal note between colleagues, sometimes as a reply. */
export const internalNote: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const colleague = random.pick([ANNA, JONAS, ACCOUNTING].filter((person) => person.address !== owner.address));
  const topic = random.pick(PROJECT_TOPICS);
  const question = random.pick([
    `Kannst du mir bis Freitag die Kostenschätzung für „${topic}“ schicken?`,
    `Für „${topic}“ fehlen uns noch zwei Angebote. Hast du Kontakte zu weiteren Firmen?`,
    `Die Rechnung zu „${topic}“ ist doppelt gebucht worden. Bitte prüfe das kurz.`,
    `Der Termin für „${topic}“ verschiebt sich um eine Woche. Passt dir der Dienstag?`,
  ]);
  const isReply = random.chance(0.4);

  return {
    from: colleague,
    to: [owner],
    subject: `${isReply ? 'AW: ' : ''}Kurze Frage zu ${topic}`,
    date,
    messageId: demoMessageId(context, 'musterfirma.de'),
    inReplyTo: isReply ? `${stableHex(`${context.key}#parent`, 24).toUpperCase()}@musterfirma.de` : undefined,
    extraHeaders: mailerHeaders(undefined, random),
    body: { type: 'text', subtype: 'plain', text: `${greetingDe(owner)}\n\n${question}\n\nDanke!\n${colleague.name}`, transferEncoding: 'quoted-printable' },
  };
};

/** Builds a request the mailbox owner sent to a supplier (for Sent Items). */
export const sentRequest: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const supplier = random.pick(SUPPLIERS);
  const english = supplier.language === 'en';
  const text = english
    ? `Dear ${supplier.contact.name},\n\ncould you please send us a quotation for the items we discussed?\nWe would need delivery within four weeks.\n\nBest regards,\n${owner.signature}`
    : `Sehr geehrte Damen und Herren,\n\nbitte senden Sie uns ein Angebot für die besprochenen Positionen.\nWir benötigen die Lieferung innerhalb von vier Wochen.\n\nMit freundlichen Grüßen\n${owner.signature}`;

  return {
    from: owner,
    to: [supplier.contact],
    subject: english ? 'Request for quotation' : `Anfrage: Angebot für ${random.pick(['Büromöbel', 'Malerarbeiten', 'Elektroinstallation', 'Lagerlogistik'])}`,
    date,
    messageId: demoMessageId(context, 'musterfirma.de'),
    extraHeaders: mailerHeaders(undefined, random),
    body: { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable' },
  };
};

/** Obvious spam for the junk folder. */
export const spamEnglish: DemoTemplate = (context) => {
  const { owner, date } = context;
  return {
    from: SPAMMER.contact,
    to: [owner],
    subject: 'You have been selected!!! Claim your prize today',
    date,
    messageId: demoMessageId(context, SPAMMER.domain),
    body: {
      type: 'text',
      subtype: 'html',
      text: '<html><body><h1>Congratulations!</h1><p>You have been selected for an exclusive reward. Click <a href="https://lucky-prize.example/claim">here</a> within 24 hours.</p></body></html>',
      transferEncoding: 'quoted-printable',
    },
  };
};

/** Builds the single demo message with an emoji in its subject (B-encoded) and an inline photo. */
export const projectKickoff: DemoTemplate = (context) => {
  const { owner, date } = context;
  const photoId = `team.${stableHex(context.key, 12)}@musterfirma.de`;
  const html = [
    '<html><body style="font-family:Calibri,Arial,sans-serif">',
    `<p>${escapeHtml(greetingDe(owner))}</p>`,
    '<p>der Umbau 2026 ist offiziell gestartet. Danke an alle für die Vorbereitung! Hier das Foto vom Spatenstich:</p>',
    `<p><img src="cid:${photoId}" alt="Spatenstich" width="200" height="100"></p>`,
    `<p>Viele Grüße<br>${escapeHtml(JONAS.name)}</p>`,
    '</body></html>',
  ].join('\n');

  return {
    from: JONAS,
    to: [owner],
    cc: [ACCOUNTING],
    subject: '🎉 Projektstart Umbau 2026 – vielen Dank an alle!',
    subjectEncoding: 'B',
    date,
    messageId: demoMessageId(context, 'musterfirma.de'),
    body: {
      type: 'multipart',
      subtype: 'related',
      parts: [
        { type: 'text', subtype: 'html', text: html, transferEncoding: 'quoted-printable' },
        { type: 'file', contentType: 'image/png', fileName: 'Spatenstich.png', bytes: buildPng(64, 32, [[90, 160, 70], [140, 100, 60]]), contentId: photoId },
      ],
    },
  };
};

/** Builds the single large demo message: the architect's full set of plans as a 6 MiB PDF. */
export const largePlans: DemoTemplate = (context) => {
  const { random, owner, date } = context;
  const text = [
    greetingDe(owner),
    '',
    'anbei der vollständige Plansatz für den Umbau 2026 (Grundrisse, Schnitte, Ansichten).',
    'Die Datei ist groß; bitte leitet sie nicht per E-Mail weiter, sondern legt sie im Projektordner ab.',
    '',
    'Herzliche Grüße',
    ARCHITECT.contact.signature,
  ].join('\n');
  const pdf = buildPdf(['Architekturbüro Lindström', 'Umbau 2026', 'Plansatz Gesamt'], { padToBytes: LARGE_ATTACHMENT_BYTES, random });

  return {
    from: ARCHITECT.contact,
    to: [owner],
    subject: 'Pläne Umbau 2026 – kompletter Plansatz',
    date,
    messageId: demoMessageId(context, ARCHITECT.domain),
    extraHeaders: mailerHeaders(ARCHITECT, random),
    body: {
      type: 'multipart',
      subtype: 'mixed',
      parts: [
        { type: 'text', subtype: 'plain', text, transferEncoding: 'quoted-printable' },
        { type: 'file', contentType: 'application/pdf', fileName: 'Baupläne_Umbau_2026_Gesamt.pdf', bytes: pdf },
      ],
    },
  };
};
