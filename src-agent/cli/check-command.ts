import { loadConfig } from '../config/load.js';
import { agentPaths } from '../config/paths.js';
import type { AgentConfig } from '../config/schema.js';
import { runCheck, type CheckResult } from '../diagnostics/check.js';
import { saveCredentialExpiry } from '../diagnostics/expiry-store.js';
import { describeProbe, localizeStep } from '../diagnostics/texts.js';
import { openCertificateCredential } from '../graph/connection.js';
import { toArchiverError, type ArchiverError, type Language } from '../errors/index.js';
import { createLogger, type Logger } from '../log/logger.js';
import { createDispatcher, loadExtraCa, resolveProxySettings, type ProxySettings } from '../net/index.js';
import { defaultSecretStores, resolveClientSecret, resolveProxyPassword, type SecretStore } from '../secrets/secret-store.js';
import { openStateDb } from '../state/db.js';
import { withConfigLanguage, type CommandContext } from './context.js';
import { labels } from './output.js';

export interface CheckCommandOptions {
  /** Mailbox to test instead of the first configured one. */
  mailbox?: string;
  /** Set and remove a test category on one message. */
  writeTest: boolean;
}

const CHECK_TEXT = {
  en: {
    heading: 'Connection check of M365 Mail Archiver',
    result: { ok: 'Result: every check passed.', warning: 'Result: passed with warnings.', failed: 'Result: failed.' },
    note: 'Note',
  },
  de: {
    heading: 'Verbindungsprüfung von M365 Mail Archiver',
    result: { ok: 'Ergebnis: Alle Prüfungen bestanden.', warning: 'Ergebnis: Bestanden, mit Warnungen.', failed: 'Ergebnis: Fehlgeschlagen.' },
    note: 'Hinweis',
  },
} as const;

/**
 * `check`: tests input values, network, token, permissions, secret expiry, user list, mailbox and
 * clock, and prints each step with its remedy. Exit code 0 all ok, 1 warnings only, 2 a failure.
 * The secret expiry result is stored for `status` when the state database can be written.
 */
export async function checkCommand(commandContext: CommandContext, options: CheckCommandOptions): Promise<number> {
  const paths = agentPaths(commandContext.dataDir, commandContext.configFile);
  const config = await loadConfig(paths.configFile);
  const context = withConfigLanguage(commandContext, config.language);
  const logger = await createLogger({ logDir: paths.logDir, fileName: 'check', level: config.logLevel, retentionDays: config.logRetentionDays, console: context.verbose });

  const stores = defaultSecretStores({ secretFile: config.secretFile });
  const proxy = await loadProxy(stores, config);
  const extraCaPem = config.extraCaFile ? await loadExtraCa(config.extraCaFile) : [];
  const credential = config.certificate
    ? await certificateCredential(config, proxy, extraCaPem, logger)
    : await loadSecret(stores, config);

  const result = await runCheck({
    config,
    ...credential,
    proxy,
    extraCaPem,
    mailbox: options.mailbox,
    writeTest: options.writeTest,
    logger: logger.child({ module: 'check' }),
  });
  storeExpiry(result, paths.stateFile, logger);
  logger.flush();

  process.stdout.write(context.json ? `${JSON.stringify(toJson(result, context.language))}\n` : `${formatCheck(result, context.language)}\n`);
  return result.exitCode;
}

async function loadSecret(stores: SecretStore[], config: AgentConfig): Promise<{ clientSecret: string | undefined; secretError?: ArchiverError }> {
  try {
    return { clientSecret: (await resolveClientSecret(stores, config.clientId)).secret };
  } catch (error) {
    return { clientSecret: undefined, secretError: toArchiverError(error) };
  }
}

/** Builds the token provider for a configured certificate; the check then needs no secret. */
async function certificateCredential(config: AgentConfig, proxy: ProxySettings | undefined, extraCaPem: string[], logger: Logger) {
  const dispatcher = createDispatcher({ extraCaPem, proxy });
  const { tokenProvider, credential } = await openCertificateCredential(config, dispatcher, logger);
  return { clientSecret: undefined, tokenProvider, dispatcher, certificateThumbprint: credential.thumbprintSha1 };
}

async function loadProxy(stores: SecretStore[], config: AgentConfig): Promise<ProxySettings | undefined> {
  const password = config.proxy?.username ? (await resolveProxyPassword(stores, config.proxy.url, config.proxy.username)).secret : undefined;
  return resolveProxySettings(config.proxy, process.env, password);
}

/** Keeps the expiry result for `status`; a data directory that cannot be written must not hide the check's result. */
function storeExpiry(result: CheckResult, stateFile: string, logger: Logger): void {
  if (!result.credentialExpiry) {
    return;
  }
  try {
    const state = openStateDb(stateFile);
    try {
      saveCredentialExpiry(state, result.credentialExpiry);
    } finally {
      state.close();
    }
  } catch (error) {
    logger.warn({ error: toArchiverError(error).toJSON() }, 'could not store the secret expiry result');
  }
}

/** Builds the JSON output: every step's data plus its text in the admin's language. */
export function toJson(result: CheckResult, language: Language): Record<string, unknown> {
  return {
    ok: result.exitCode === 0,
    status: result.status,
    exitCode: result.exitCode,
    language,
    startedAt: result.startedAt,
    steps: result.steps.map((step) => ({ ...step, text: localizeStep(step, language) })),
    ...(result.credentialExpiry ? { credentialExpiry: result.credentialExpiry } : {}),
  };
}

/** Formats the report as text: one line per step, with the remedy and the network timings below it. */
export function formatCheck(result: CheckResult, language: Language): string {
  const text = CHECK_TEXT[language];
  const remedyLabel = labels(language).remedy;
  const lines = [text.heading, ''];

  for (const step of result.steps) {
    const localized = localizeStep(step, language);
    const code = step.code ? ` [${step.code}]` : '';
    lines.push(`[${localized.status}] ${localized.title}${code}: ${localized.message}${step.status === 'skipped' ? '' : ` (${step.durationMs} ms)`}`);
    for (const probe of step.probes ?? []) {
      lines.push(`    ${describeProbe(probe, language)}`);
    }
    if (localized.remedy && step.status !== 'ok') {
      lines.push(`    ${remedyLabel}: ${localized.remedy}`);
    }
    if (localized.note) {
      lines.push(`    ${text.note}: ${localized.note}`);
    }
  }
  lines.push('', text.result[result.status]);
  return lines.join('\n');
}
