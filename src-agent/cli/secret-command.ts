import { Option, type Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { agentPaths } from '../config/paths.js';
import type { AgentConfig } from '../config/schema.js';
import { checkSecretInput } from '../config/registration-input.js';
import { toArchiverError, type ArchiverError, type Language } from '../errors/index.js';
import {
  defaultSecretStores,
  FileSecretStore,
  KeychainSecretStore,
  normalizeSecret,
  type SecretRef,
  type SecretStore,
  type WritableSecretStore,
} from '../secrets/secret-store.js';
import { proxyHostPort } from '../secrets/types.js';
import { EXIT, type CommandContext } from './context.js';
import { fill } from './output.js';

// German needs the secret's name in two cases; `subject` starts a sentence, `object` follows a verb.
const TEXT = {
  en: {
    clientSecret: { subject: 'the client secret of app {clientId}', object: 'the client secret of app {clientId}' },
    proxyPassword: { subject: 'the password of proxy user {user}', object: 'the password of proxy user {user}' },
    prompt: 'Enter {secretName} (input stays hidden): ',
    stored: '{secretName} was stored in {place}.',
    shadowed: 'Note: the agent reads {place} first, which contains a value too. That value stays in use until it is removed there.',
    deleted: '{secretName} was deleted from {place}.',
    nothingToDelete: 'There was nothing to delete: {place} contains no value.',
    empty: 'No value was entered, so nothing was stored.',
    tooLong: 'The input is longer than {max} characters, so nothing was stored.',
    cancelled: 'Cancelled; nothing was stored.',
    warning: 'Warning',
    remedy: 'Remedy',
    noSecretFile: 'The configuration sets no "secretFile", so there is no secret file to write.',
    fileClientSecretOnly: 'The secret file holds only the client secret. Store the proxy password in the keychain.',
    noProxyUser: 'The configuration has no proxy with a user name ("proxy.url" and "proxy.username"), so there is no proxy password.',
    header: 'Places the agent reads {secretName} from, in this order:',
    found: 'contains a value',
    inUse: 'contains a value, in use',
    missing: 'empty',
    failed: 'failed',
    noneFound: 'None of these places contains a value.',
    blocked: 'The agent stops at the failure above and reads no further place.',
  },
  de: {
    clientSecret: { subject: 'der geheime Clientschlüssel der App {clientId}', object: 'den geheimen Clientschlüssel der App {clientId}' },
    proxyPassword: { subject: 'das Passwort des Proxy-Benutzers {user}', object: 'das Passwort des Proxy-Benutzers {user}' },
    prompt: 'Geben Sie {secretName} ein (die Eingabe bleibt verborgen): ',
    stored: '{secretName} wurde in {place} gespeichert.',
    shadowed: 'Hinweis: Der Agent liest zuerst {place}, und dort steht ebenfalls ein Wert. Dieser Wert bleibt in Gebrauch, bis er dort entfernt wird.',
    deleted: '{secretName} wurde aus {place} gelöscht.',
    nothingToDelete: 'Es gab nichts zu löschen: {place} enthält keinen Wert.',
    empty: 'Es wurde kein Wert eingegeben, deshalb wurde nichts gespeichert.',
    tooLong: 'Die Eingabe ist länger als {max} Zeichen, deshalb wurde nichts gespeichert.',
    cancelled: 'Abgebrochen; es wurde nichts gespeichert.',
    warning: 'Warnung',
    remedy: 'Abhilfe',
    noSecretFile: 'Die Konfiguration setzt kein "secretFile", deshalb gibt es keine Schlüsseldatei zum Schreiben.',
    fileClientSecretOnly: 'Die Schlüsseldatei enthält nur den geheimen Clientschlüssel. Speichern Sie das Proxy-Passwort im Schlüsselspeicher.',
    noProxyUser: 'Die Konfiguration enthält keinen Proxy mit Benutzernamen ("proxy.url" und "proxy.username"), deshalb gibt es kein Proxy-Passwort.',
    header: 'Orte, an denen der Agent {secretName} sucht, in dieser Reihenfolge:',
    found: 'enthält einen Wert',
    inUse: 'enthält einen Wert, in Gebrauch',
    missing: 'leer',
    failed: 'fehlgeschlagen',
    noneFound: 'Keiner dieser Orte enthält einen Wert.',
    blocked: 'Der Agent bricht bei dem Fehler oben ab und sucht an keinem weiteren Ort.',
  },
} as const;

type Texts = (typeof TEXT)[Language];

// Entra ID client secrets are about 40 characters; anything near this limit is not a secret.
const MAX_INPUT_CHARS = 4096;

interface TargetOptions {
  proxy?: boolean;
  store?: 'keychain' | 'file';
}

/** Adds `secret set`, `secret status` and `secret delete` to the program. */
export function registerSecretCommands(program: Command, contextOf: (command: Command) => CommandContext): void {
  const secret = program.command('secret').description('store, check or delete the client secret or the proxy password (never prints the value)');
  const storeOption = () =>
    new Option('--store <store>', 'where to write: the OS keychain of this account, or the file named by "secretFile"').choices(['keychain', 'file']).default('keychain');

  secret
    .command('set')
    .description('store the value read from stdin, or typed at a hidden prompt when stdin is a terminal')
    .option('--proxy', 'the password of the configured proxy user instead of the client secret')
    .addOption(storeOption())
    .action(async (options: TargetOptions, command: Command) => {
      process.exitCode = await secretSetCommand(contextOf(command), options);
    });

  secret
    .command('status')
    .description('show which places the agent reads the secrets from and which of them contain one (exit code 1 when one is missing)')
    .action(async (_options, command: Command) => {
      process.exitCode = await secretStatusCommand(contextOf(command));
    });

  secret
    .command('delete')
    .description('delete the stored value')
    .option('--proxy', 'the password of the configured proxy user instead of the client secret')
    .addOption(storeOption())
    .action(async (options: TargetOptions, command: Command) => {
      process.exitCode = await secretDeleteCommand(contextOf(command), options);
    });
}

/** `secret set`: reads the value, checks its shape and writes it to the chosen store. */
export async function secretSetCommand(context: CommandContext, options: TargetOptions): Promise<number> {
  const text = TEXT[context.language];
  const config = await loadAgentConfig(context);
  const target = chooseTarget(config, options, text);
  if (typeof target === 'string') {
    return fail(context, target);
  }

  const input = await readSecret(fill(text.prompt, { secretName: nameSecret(target.ref, text, 'object') }));
  if (input.kind === 'cancelled') return fail(context, text.cancelled);
  if (input.kind === 'too-long') return fail(context, fill(text.tooLong, { max: MAX_INPUT_CHARS }));

  const value = normalizeSecret(target.ref.kind, input.value);
  const warnings = target.ref.kind === 'client-secret' ? shapeWarnings(input.value) : [];
  if (value === undefined || warnings.some((warning) => warning.code === 'INPUT_SECRET_MISSING')) {
    return fail(context, text.empty);
  }

  await target.store.set(target.ref, value);

  const place = target.store.describe(target.ref);
  const shadowedBy = await placesReadBefore(target.store, target.ref, config);
  if (context.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, store: target.store.kind, place, warnings: warnings.map((warning) => warning.toJSON()), shadowedBy })}\n`);
    return EXIT.ok;
  }
  for (const warning of warnings) {
    const localized = warning.localize(context.language);
    process.stderr.write(`${text.warning} [${warning.code}]: ${localized.message}\n${text.remedy}: ${localized.remedy}\n`);
  }
  process.stdout.write(`${capitalize(fill(text.stored, { secretName: nameSecret(target.ref, text, 'subject'), place }))}\n`);
  for (const earlier of shadowedBy) {
    process.stdout.write(`${fill(text.shadowed, { place: earlier })}\n`);
  }
  return EXIT.ok;
}

/** `secret delete`: removes the value from the chosen store. */
export async function secretDeleteCommand(context: CommandContext, options: TargetOptions): Promise<number> {
  const text = TEXT[context.language];
  const config = await loadAgentConfig(context);
  const target = chooseTarget(config, options, text);
  if (typeof target === 'string') {
    return fail(context, target);
  }

  const deleted = await target.store.delete(target.ref);

  const place = target.store.describe(target.ref);
  if (context.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, store: target.store.kind, place, deleted })}\n`);
    return EXIT.ok;
  }
  const secretName = nameSecret(target.ref, text, 'subject');
  process.stdout.write(`${capitalize(fill(deleted ? text.deleted : text.nothingToDelete, { secretName, place }))}\n`);
  return EXIT.ok;
}

interface PlaceStatus {
  store: SecretStore['kind'];
  place: string;
  state: 'found' | 'missing' | 'failed';
  note?: string;
  error?: ReturnType<ArchiverError['toJSON']> & { remedy: string };
}

/** `secret status`: queries every store the agent would query and prints which ones contain a value, never the value. */
export async function secretStatusCommand(context: CommandContext): Promise<number> {
  const text = TEXT[context.language];
  const config = await loadAgentConfig(context);
  const stores = defaultSecretStores({ secretFile: config.secretFile });
  const refs: SecretRef[] = [{ kind: 'client-secret', clientId: config.clientId }];
  if (config.proxy?.username) {
    refs.push({ kind: 'proxy-password', proxyUrl: config.proxy.url, username: config.proxy.username });
  }

  const reports: Array<{ secret: SecretRef['kind']; secretName: string; places: PlaceStatus[]; inUse: InUse }> = [];
  for (const ref of refs) {
    const places = await inspectStores(stores, ref, context.language);
    reports.push({ secret: ref.kind, secretName: nameSecret(ref, text, 'object'), places, inUse: placeInUse(places) });
  }
  const complete = reports.every((report) => report.inUse.index !== undefined);

  if (context.json) {
    const secrets = reports.map(({ secret, places, inUse }) => ({ secret, places, inUse: inUse.index === undefined ? null : places[inUse.index]!.store }));
    process.stdout.write(`${JSON.stringify({ ok: complete, secrets })}\n`);
    return complete ? EXIT.ok : EXIT.problems;
  }
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(fill(text.header, { secretName: report.secretName }));
    report.places.forEach((place, index) => {
      lines.push(`  ${index + 1}. ${place.place}: ${stateLabel(place, index === report.inUse.index, text)}${place.note ? ` (${place.note})` : ''}`);
      if (place.error) lines.push(`     [${place.error.code}] ${place.error.message}\n     ${text.remedy}: ${place.error.remedy}`);
    });
    if (report.inUse.index === undefined) lines.push(report.inUse.blocked ? text.blocked : text.noneFound);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return complete ? EXIT.ok : EXIT.problems;
}

interface InUse {
  /** Position of the place the agent would take the secret from. */
  index?: number;
  /** True when a failure stops the agent before it reaches a place with a value. */
  blocked: boolean;
}

/**
 * Finds the place the agent would use, by the rule of resolveClientSecret: the first place with
 * a value wins, an unreachable keychain counts as empty, and any other failure stops the search.
 */
function placeInUse(places: PlaceStatus[]): InUse {
  for (const [index, place] of places.entries()) {
    if (place.state === 'found') return { index, blocked: false };
    if (place.state === 'failed' && place.error?.code !== 'KEYCHAIN_UNAVAILABLE') return { blocked: true };
  }
  return { blocked: false };
}

async function inspectStores(stores: SecretStore[], ref: SecretRef, language: Language): Promise<PlaceStatus[]> {
  const places: PlaceStatus[] = [];
  for (const store of stores.filter((candidate) => candidate.supports(ref.kind))) {
    const place = store.describe(ref);
    try {
      // The value is only tested for presence and dropped here; it is never printed or logged.
      const found = (await store.get(ref)) !== undefined;
      const note = found ? undefined : store.explainMiss?.(ref);
      places.push({ store: store.kind, place, state: found ? 'found' : 'missing', ...(note ? { note } : {}) });
    } catch (error) {
      const failure = toArchiverError(error);
      places.push({ store: store.kind, place, state: 'failed', error: { ...failure.toJSON(), ...failure.localize(language) } });
    }
  }
  return places;
}

function stateLabel(place: PlaceStatus, inUse: boolean, text: Texts): string {
  if (place.state === 'found') return inUse ? text.inUse : text.found;
  return place.state === 'missing' ? text.missing : text.failed;
}

function chooseTarget(config: AgentConfig, options: TargetOptions, text: Texts): { store: WritableSecretStore; ref: SecretRef } | string {
  let ref: SecretRef;
  if (options.proxy) {
    if (!config.proxy?.username) return text.noProxyUser;
    ref = { kind: 'proxy-password', proxyUrl: config.proxy.url, username: config.proxy.username };
  } else {
    ref = { kind: 'client-secret', clientId: config.clientId };
  }

  if (options.store !== 'file') {
    return { store: new KeychainSecretStore(), ref };
  }
  if (!config.secretFile) return text.noSecretFile;
  if (ref.kind !== 'client-secret') return text.fileClientSecretOnly;
  return { store: new FileSecretStore(config.secretFile), ref };
}

/** Names the places the agent reads before `target` that contain a value too, so the new value would not be used. */
async function placesReadBefore(target: SecretStore, ref: SecretRef, config: AgentConfig): Promise<string[]> {
  const earlier: string[] = [];
  for (const store of defaultSecretStores({ secretFile: config.secretFile, keychain: false })) {
    if (store.kind === target.kind) break;
    if (!store.supports(ref.kind)) continue;
    const value = await store.get(ref).catch(() => undefined);
    if (value !== undefined) earlier.push(store.describe(ref));
  }
  return earlier;
}

function shapeWarnings(raw: string): ArchiverError[] {
  const check = checkSecretInput(raw);
  return check.ok ? [] : [check.error];
}

function nameSecret(ref: SecretRef, text: Texts, grammaticalCase: 'subject' | 'object'): string {
  return ref.kind === 'client-secret'
    ? fill(text.clientSecret[grammaticalCase], { clientId: ref.clientId })
    : fill(text.proxyPassword[grammaticalCase], { user: `${ref.username}@${proxyHostPort(ref.proxyUrl)}` });
}

async function loadAgentConfig(context: CommandContext): Promise<AgentConfig> {
  return loadConfig(agentPaths(context.dataDir, context.configFile).configFile);
}

function fail(context: CommandContext, message: string): number {
  if (context.json) {
    process.stdout.write(`${JSON.stringify({ ok: false, message })}\n`);
  } else {
    process.stderr.write(`${message}\n`);
  }
  return EXIT.failed;
}

function capitalize(sentence: string): string {
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

type SecretInput = { kind: 'value'; value: string } | { kind: 'cancelled' } | { kind: 'too-long' };

/** Reads the secret from stdin: all of it from a pipe or file, one hidden line from a terminal. */
async function readSecret(prompt: string): Promise<SecretInput> {
  if (process.stdin.isTTY) {
    return readHiddenLine(prompt);
  }
  let value = '';
  for await (const chunk of process.stdin) {
    value += (chunk as Buffer).toString('utf8');
    if (value.length > MAX_INPUT_CHARS) return { kind: 'too-long' };
  }
  return { kind: 'value', value };
}

/** Prompts on stderr and reads one line in raw mode, so the terminal does not echo it. */
function readHiddenLine(prompt: string): Promise<SecretInput> {
  const input = process.stdin;
  // Raw mode first: a key typed as soon as the prompt shows must not meet a terminal that still
  // turns Ctrl+C into SIGINT.
  input.setRawMode(true);
  process.stderr.write(prompt);
  input.setEncoding('utf8');
  input.resume();

  return new Promise((resolve) => {
    let value = '';
    const finish = (result: SecretInput) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      resolve(result);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish({ kind: 'value', value });
        // Ctrl+C and Ctrl+D arrive as characters in raw mode instead of as a signal or end of input.
        if (char === '\u0003' || char === '\u0004') return finish({ kind: 'cancelled' });
        if (char === '\u007f' || char === '\b') {
          value = value.slice(0, -1);
        } else if (char >= ' ') {
          value += char;
        }
        if (value.length > MAX_INPUT_CHARS) return finish({ kind: 'too-long' });
      }
    };
    input.on('data', onData);
  });
}
