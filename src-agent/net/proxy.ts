import { BlockList, isIP } from 'node:net';
import { ArchiverError } from '../errors/index.js';
import { registerSecret } from '../log/redact.js';

/** The HTTP proxy that the agent's requests go through, with the hosts that bypass it. */
export interface ProxySettings {
  /** Proxy URL without credentials, such as http://proxy.example:3128. */
  url: string;
  username?: string;
  password?: string;
  /** NO_PROXY entries in lower case: host names, domain suffixes, IP addresses, CIDR ranges or "*". */
  noProxy: string[];
  /** Origin of the setting: config.json, or the https_proxy or HTTPS_PROXY variable. */
  source: 'config' | 'environment';
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * Resolves the proxy for the agent's HTTPS requests. The proxy in config.json wins. Otherwise
 * https_proxy or HTTPS_PROXY is used, lower case first as curl and undici read them, and its URL
 * may contain user:password@. NO_PROXY or no_proxy applies to both sources. `password` is the
 * stored password for the configured user. Returns undefined when no proxy is set. Every
 * password is registered for log redaction.
 *
 * @throws ArchiverError PROXY_URL_INVALID when the URL does not parse or is not http(s).
 */
export function resolveProxySettings(
  configProxy: { url: string; username?: string } | undefined,
  env: NodeJS.ProcessEnv,
  password?: string,
): ProxySettings | undefined {
  const noProxy = parseNoProxy(firstSet(env, ['no_proxy', 'NO_PROXY'])?.value ?? '');

  if (configProxy) {
    const url = parseProxyUrl(configProxy.url, 'config.json');
    const settings = settingsFrom(url, 'config', noProxy, {
      username: configProxy.username ?? decodedOrUndefined(url.username),
      password: password ?? decodedOrUndefined(url.password),
    });
    return settings;
  }

  const variable = firstSet(env, ['https_proxy', 'HTTPS_PROXY']);
  if (!variable) {
    return undefined;
  }
  // curl accepts a proxy without a scheme and treats it as http://.
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(variable.value) ? variable.value : `http://${variable.value}`;
  const url = parseProxyUrl(text, variable.name);
  return settingsFrom(url, 'environment', noProxy, {
    username: decodedOrUndefined(url.username),
    password: decodedOrUndefined(url.password) ?? password,
  });
}

/**
 * Tells whether a request to `targetUrl` goes directly instead of through the proxy. The rules
 * are those of NO_PROXY in curl and undici. "*" matches every host. "example.com",
 * ".example.com" and "*.example.com" match that domain and its subdomains. An entry with ":port"
 * matches only that port. An IP address or CIDR range (10.0.0.0/8) matches a target given as
 * that literal address, because names are not resolved for the comparison.
 */
export function bypassesProxy(settings: ProxySettings, targetUrl: string): boolean {
  const target = new URL(targetUrl);
  const hostname = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port === '' ? DEFAULT_PORTS[target.protocol] : Number(target.port);

  return settings.noProxy.some((entry) => matchesEntry(entry, hostname, port));
}

/** Returns the proxy URL without credentials or path, for messages and logs. */
export function proxyLabel(settings: ProxySettings): string {
  const url = new URL(settings.url);
  return `${url.protocol}//${url.host}`;
}

function settingsFrom(url: URL, source: ProxySettings['source'], noProxy: string[], credentials: { username?: string; password?: string }): ProxySettings {
  registerSecret(credentials.password);
  const settings: ProxySettings = { url: `${url.protocol}//${url.host}`, noProxy, source };
  if (credentials.username !== undefined) settings.username = credentials.username;
  if (credentials.password !== undefined) settings.password = credentials.password;
  return settings;
}

function parseProxyUrl(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw invalidProxy(text, source, 'it is not a URL', error);
  }
  // The password must be registered before anything can quote the URL.
  registerSecret(decodedOrUndefined(url.password));

  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidProxy(text, source, `the scheme ${url.protocol} is not supported, only http:// and https://`);
  }
  return url;
}

function invalidProxy(text: string, source: string, problem: string, cause?: unknown): ArchiverError {
  return new ArchiverError('PROXY_URL_INVALID', { details: { proxy: withoutCredentials(text), source, problem }, cause });
}

/** Removes user:password@ from a URL-like text that may not parse as a URL. */
function withoutCredentials(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}

function firstSet(env: NodeJS.ProcessEnv, names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

function decodedOrUndefined(value: string): string | undefined {
  return value === '' ? undefined : decodeURIComponent(value);
}

function parseNoProxy(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry.length > 0);
}

function matchesEntry(entry: string, hostname: string, port: number | undefined): boolean {
  if (entry === '*') {
    return true;
  }

  const { host, entryPort } = splitPort(entry);
  if (entryPort !== undefined && entryPort !== port) {
    return false;
  }
  if (host.includes('/')) {
    return matchesCidr(host, hostname);
  }

  const domain = host.replace(/^\*?\./, '');
  return hostname === domain || hostname.endsWith(`.${domain}`);
}

/** Splits "host:port", "[v6]:port" and bare IPv6 addresses, which contain colons without a port. */
function splitPort(entry: string): { host: string; entryPort?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    return { host: bracketed[1]!, entryPort: bracketed[2] === undefined ? undefined : Number(bracketed[2]) };
  }
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort) {
    return { host: withPort[1]!, entryPort: Number(withPort[2]) };
  }
  return { host: entry };
}

function matchesCidr(range: string, hostname: string): boolean {
  const [network, prefixText] = range.split('/');
  const family = isIP(network ?? '');
  const hostFamily = isIP(hostname);
  const prefix = Number(prefixText);
  if (family === 0 || hostFamily !== family || !Number.isInteger(prefix)) {
    return false;
  }

  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  try {
    list.addSubnet(network!, prefix, type);
  } catch {
    // A prefix out of range (/33 for IPv4, say) matches nothing, as curl ignores such entries.
    return false;
  }
  return list.check(hostname, type);
}
