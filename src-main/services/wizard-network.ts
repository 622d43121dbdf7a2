import { ArchiverError } from '../../src-agent/errors/index.js';
import { loadExtraCa, resolveProxySettings, type ProxySettings } from '../../src-agent/net/index.js';
import { registerSecret } from '../../src-agent/log/redact.js';
import { defaultSecretStores, resolveProxyPassword } from '../../src-agent/secrets/secret-store.js';

/** The proxy and CA fields of the wizard, as checkReachability and testConnection receive them. */
export interface WizardNetworkInput {
  /** Proxy URL without credentials; empty or absent means no proxy besides HTTPS_PROXY. */
  proxyUrl?: string;
  proxyUsername?: string;
  /** Typed in the wizard and held in memory only; absent means the stored one. */
  proxyPassword?: string;
  /** Path of a PEM file with extra CA certificates; empty or absent means none. */
  extraCaFile?: string;
}

export interface WizardProxyOptions {
  env: NodeJS.ProcessEnv;
  /** The owner-only secret file of the saved settings, searched for a stored proxy password. */
  secretFile?: string;
}

// Names the wizard's field as the source of an invalid proxy URL in PROXY_URL_INVALID's texts.
const WIZARD_SOURCE = { source: "the wizard's proxy field", source_de: 'dem Proxy-Feld des Assistenten' };

/**
 * Resolves the proxy of the wizard's fields. Without a proxy URL, HTTPS_PROXY and NO_PROXY of
 * `env` still apply, as they do for the agent. NO_PROXY applies to a typed proxy too. A user name
 * without a typed password uses the password stored for that user and proxy (environment,
 * systemd credential, secret file, keychain). The password is registered for log redaction.
 *
 * @throws ArchiverError PROXY_URL_INVALID when the URL does not parse, is not http(s), or
 *   contains a user name or password, which belong in their own fields.
 * @throws ArchiverError PROXY_PASSWORD_MISSING when a user name comes without a password and
 *   none is stored.
 */
export async function wizardProxy(input: WizardNetworkInput, options: WizardProxyOptions): Promise<ProxySettings | undefined> {
  const text = input.proxyUrl?.trim() ?? '';
  if (text === '') {
    return resolveProxySettings(undefined, options.env);
  }

  const url = checkedProxyUrl(text);
  const username = input.proxyUsername?.trim() || undefined;
  let password = input.proxyPassword || undefined;
  registerSecret(password);
  if (username !== undefined && password === undefined) {
    const stores = defaultSecretStores({ env: options.env, secretFile: options.secretFile });
    password = (await resolveProxyPassword(stores, url, username)).secret;
  }
  return resolveProxySettings({ url, ...(username === undefined ? {} : { username }) }, options.env, password);
}

/** Reads the typed CA file, or returns undefined when the field is empty so the caller's default applies. */
export async function wizardExtraCa(input: WizardNetworkInput): Promise<string[] | undefined> {
  const file = input.extraCaFile?.trim();
  return file ? loadExtraCa(file) : undefined;
}

/** Returns the URL as `scheme://host:port` after checking what the wizard must reject. */
function checkedProxyUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw invalid(withoutCredentials(text), 'it is not a URL', 'sie ist keine URL', error);
  }

  if (url.password !== '' || url.username !== '') {
    // The password must be redacted before the error can be logged, and the URL is not echoed.
    registerSecret(decodeURIComponent(url.password) || undefined);
    throw invalid(`${url.protocol}//${url.host}`, 'it contains a user name or password; enter them in their own fields', 'sie enthält Benutzername oder Passwort; tragen Sie diese in ihre eigenen Felder ein');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(text, `the scheme ${url.protocol} is not supported, only http:// and https://`, `das Schema ${url.protocol} wird nicht unterstützt, nur http:// und https://`);
  }
  return `${url.protocol}//${url.host}`;
}

/** Drops everything up to an "@" after the scheme, because a text that does not parse may still carry a password. */
function withoutCredentials(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, '$1');
}

function invalid(proxy: string, problem: string, problemDe: string, cause?: unknown): ArchiverError {
  return new ArchiverError('PROXY_URL_INVALID', { details: { proxy, ...WIZARD_SOURCE, problem, problem_de: problemDe }, cause });
}
