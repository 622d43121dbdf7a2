import { fillPlaceholders, localizeError, type Language } from '../errors/index.js';
import type { CredentialExpiryResult } from './secret-expiry.js';
import type { CheckNote, CheckStep, CheckStepId, CheckStepStatus, HostProbe } from './types.js';

interface StepTexts {
  title: string;
  /** Summary of an ok step, filled from the step's details. */
  ok: string;
}

interface LanguageTexts {
  steps: Record<CheckStepId, StepTexts>;
  /** An ok mailbox step that also set and removed the test category. */
  mailboxWritten: string;
  /** The ok summary of a mailbox whose folder has no message to read. */
  mailboxFolderOnly: string;
  status: Record<CheckStepStatus, string>;
  skipped: string;
  notes: Record<CheckNote, string>;
  via: Record<HostProbe['via'], string>;
  /** The stored expiry result as `status` shows it. */
  expiryLine: string;
}

/** The check's own texts for the admin; problems take their text from the error catalog. */
const TEXTS: Record<Language, LanguageTexts> = {
  en: {
    steps: {
      input: { title: 'Input values', ok: 'Tenant, client ID and client secret have the expected form.' },
      network: { title: 'Network (DNS, TCP, TLS)', ok: 'Every Microsoft 365 host is reachable.' },
      token: { title: 'Access token', ok: 'Entra ID issued an access token.' },
      permissions: { title: 'Permissions', ok: 'The token carries the application permissions {roles}.' },
      credential: { title: 'Secret expiry', ok: 'The client secret is valid until {date} ({days} days from now).' },
      users: { title: 'User list', ok: 'Users on the first page of the list: {users}.' },
      mailbox: { title: 'Mailbox', ok: 'Read {mailbox}: {folders} top-level folders, the folder "{folder}" and one of its messages.' },
      clock: { title: 'Clock', ok: 'The clock of this server differs from Microsoft\'s by {seconds} seconds.' },
    },
    mailboxFolderOnly: 'Read {mailbox}: {folders} top-level folders and the folder "{folder}".',
    mailboxWritten: 'Read {mailbox}: {folders} top-level folders, the folder "{folder}" and one of its messages. Setting and removing a test category worked, and the message has its earlier categories again.',
    status: { ok: 'OK', warning: 'Warning', failed: 'Failed', skipped: 'Skipped' },
    skipped: 'Not run, because an earlier step failed.',
    notes: {
      rbacMailAccess: 'The mailbox test passed, so Exchange Online\'s RBAC for Applications grants the mail access that the token does not list.',
      rbacMailReadOnly: 'Reading the mailbox works without Mail.ReadWrite in the token. Run the check with --write-test to test marking messages as well.',
      noTestMessage: 'The folder contains no message, so only the folder was read.',
      writeTestSkipped: 'Marking was not tested. Run the check with --write-test to set and remove a test category on one message.',
      hintAmbiguous: '{sameHint} secrets of the app start with the same three characters; the date of the one that expires first is shown.',
      expiryFromSettings: 'The date comes from the settings ("secretExpiresOn"), not from the app registration.',
      readDenied: 'The app may not read its own registration in Microsoft Entra ID.',
    },
    via: { direct: 'direct', proxy: 'through the proxy' },
    expiryLine: 'Secret expiry (checked {checkedAt}): {text}',
  },
  de: {
    steps: {
      input: { title: 'Eingaben', ok: 'Mandant, Client-ID und geheimer Clientschlüssel haben die erwartete Form.' },
      network: { title: 'Netzwerk (DNS, TCP, TLS)', ok: 'Alle Microsoft-365-Hosts sind erreichbar.' },
      token: { title: 'Zugriffstoken', ok: 'Entra ID hat ein Zugriffstoken ausgestellt.' },
      permissions: { title: 'Berechtigungen', ok: 'Das Token enthält die Anwendungsberechtigungen {roles}.' },
      credential: { title: 'Ablauf des Schlüssels', ok: 'Der geheime Clientschlüssel gilt bis {date} (noch {days} Tage).' },
      users: { title: 'Benutzerliste', ok: 'Benutzer auf der ersten Seite der Liste: {users}.' },
      mailbox: { title: 'Postfach', ok: '{mailbox} gelesen: {folders} Ordner der obersten Ebene, der Ordner „{folder}“ und eine seiner Nachrichten.' },
      clock: { title: 'Uhrzeit', ok: 'Die Uhr dieses Servers weicht um {seconds} Sekunden von der Uhr von Microsoft ab.' },
    },
    mailboxFolderOnly: '{mailbox} gelesen: {folders} Ordner der obersten Ebene und der Ordner „{folder}“.',
    mailboxWritten: '{mailbox} gelesen: {folders} Ordner der obersten Ebene, der Ordner „{folder}“ und eine seiner Nachrichten. Setzen und Entfernen einer Testkategorie hat funktioniert, und die Nachricht hat wieder ihre früheren Kategorien.',
    status: { ok: 'OK', warning: 'Warnung', failed: 'Fehler', skipped: 'Übersprungen' },
    skipped: 'Nicht ausgeführt, weil ein früherer Schritt fehlgeschlagen ist.',
    notes: {
      rbacMailAccess: 'Der Postfachtest war erfolgreich, also gewährt RBAC für Anwendungen in Exchange Online den Postfachzugriff, den das Token nicht aufführt.',
      rbacMailReadOnly: 'Das Postfach lässt sich ohne Mail.ReadWrite im Token lesen. Starten Sie die Prüfung mit --write-test, um auch das Markieren zu testen.',
      noTestMessage: 'Der Ordner enthält keine Nachricht, daher wurde nur der Ordner gelesen.',
      writeTestSkipped: 'Das Markieren wurde nicht getestet. Starten Sie die Prüfung mit --write-test, um an einer Nachricht eine Testkategorie zu setzen und wieder zu entfernen.',
      hintAmbiguous: '{sameHint} Schlüssel der App beginnen mit denselben drei Zeichen; angezeigt wird das Datum desjenigen, der zuerst abläuft.',
      expiryFromSettings: 'Das Datum stammt aus den Einstellungen („secretExpiresOn“), nicht aus der App-Registrierung.',
      readDenied: 'Die App darf ihre eigene Registrierung in Microsoft Entra ID nicht lesen.',
    },
    via: { direct: 'direkt', proxy: 'über den Proxy' },
    expiryLine: 'Ablauf des Schlüssels (geprüft {checkedAt}): {text}',
  },
};

/** A step in the admin's language: title, status word, what happened, what to do, and a hint. */
export interface LocalizedStep {
  title: string;
  status: string;
  message: string;
  remedy?: string;
  note?: string;
}

/**
 * Returns a step's text in `language`. A step with a code takes message and remedy from the
 * error catalog; an ok step gets its summary from the step's details.
 */
export function localizeStep(step: CheckStep, language: Language): LocalizedStep {
  const texts = TEXTS[language];
  const details = step.details ?? {};
  const result: LocalizedStep = { title: texts.steps[step.id].title, status: texts.status[step.status], message: summaryOf(step, texts) };

  if (step.code) {
    const text = localizeError(step.code, details, language);
    result.message = text.message;
    result.remedy = text.remedy;
  }
  if (step.note) {
    result.note = fillPlaceholders(texts.notes[step.note], details);
  }
  return result;
}

function summaryOf(step: CheckStep, texts: LanguageTexts): string {
  const details = step.details ?? {};
  if (step.status === 'skipped') {
    return texts.skipped;
  }
  if (step.id === 'mailbox' && details.written === 'yes') {
    return fillPlaceholders(texts.mailboxWritten, details);
  }
  if (step.id === 'mailbox' && step.note === 'noTestMessage') {
    return fillPlaceholders(texts.mailboxFolderOnly, details);
  }
  return fillPlaceholders(texts.steps[step.id].ok, details);
}

/** Formats one probed host with the time of each stage, for example "graph.microsoft.com:443 (direct): DNS 12 ms, TCP 20 ms, TLS 35 ms". */
export function describeProbe(probe: HostProbe, language: Language): string {
  const stages = probe.stages.map((stage) => `${stage.stage.toUpperCase()} ${stage.durationMs} ms${stage.ok ? '' : ' ✗'}`);
  return `${probe.host}:${probe.port} (${TEXTS[language].via[probe.via]}): ${stages.join(', ')}`;
}

/**
 * Formats a stored credential expiry result as one line for `status` and the desktop app. The
 * line contains the problem's catalog text (or the date and the days left) and where the date
 * came from.
 */
export function describeCredentialExpiry(result: CredentialExpiryResult, language: Language): string {
  const texts = TEXTS[language];
  const details = result.details ?? {};
  const parts = [result.code ? localizeError(result.code, details, language).message : fillPlaceholders(texts.steps.credential.ok, details)];
  if (result.note) {
    parts.push(fillPlaceholders(texts.notes[result.note], { ...details, sameHint: result.sameHint }));
  }
  const checkedAt = result.checkedAt.slice(0, 16).replace('T', ' ');
  return fillPlaceholders(texts.expiryLine, { checkedAt, text: parts.join(' ') });
}
