import { lookup } from 'node:dns/promises';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type TLSSocket } from 'node:tls';
import { ArchiverError } from '../errors/index.js';
import { bypassesProxy, classifyNetworkError, proxyLabel, type ProxySettings } from '../net/index.js';
import { proxyConnectError, proxyStatusError } from '../net/proxy-error.js';
import type { HostProbe, NetworkStage } from './types.js';

export interface NetworkProbeOptions {
  /** URLs whose hosts are probed, for example the login host and the Graph endpoint. */
  targets: string[];
  proxy?: ProxySettings;
  /** PEM certificates trusted besides Node's root store, as the agent's dispatcher does. */
  extraCaPem?: string[];
  /** Time allowed for each stage, in milliseconds. */
  timeoutMs?: number;
}

export interface NetworkProbeResult {
  probes: HostProbe[];
  /** The first failure, naming the host and whether the proxy or the target failed. */
  error?: ArchiverError;
}

const DEFAULT_TIMEOUT_MS = 10_000;
// The proxy's response to CONNECT is a status line and a few headers; more means it is no proxy.
const MAX_CONNECT_RESPONSE_BYTES = 16 * 1024;
// A 5xx response to CONNECT means the proxy accepted the request but could not open the tunnel,
// unlike a rejection by policy (403) or for credentials (407). tinyproxy 1.11 responds with
// "500 Unable to connect" when the target rejects the connection, and RFC 9110 assigns 502 and
// 504 to a gateway that got no valid response from upstream.
function isGatewayFailure(status: number): boolean {
  return status >= 500 && status <= 599;
}

/**
 * Probes each target host stage by stage with node:dns, node:net and node:tls, so each stage is
 * timed and a failure names its stage. The stages are name resolution, TCP connection and TLS
 * handshake, and through the proxy also the connection to the proxy and its CONNECT tunnel.
 * Targets with the same host and port are probed once. TLS trusts Node's root certificates plus
 * `extraCaPem` and verifies the target's name, as the agent's requests do.
 */
export async function probeNetwork(options: NetworkProbeOptions): Promise<NetworkProbeResult> {
  const probes: HostProbe[] = [];
  const seen = new Set<string>();

  for (const target of options.targets) {
    const url = new URL(target);
    const key = `${url.hostname}:${portOf(url)}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);

    const { probe, error } = await probeHost(url, options);
    probes.push(probe);
    if (error) {
      return { probes, error };
    }
  }
  return { probes };
}

interface ProbeContext {
  probe: HostProbe;
  timeoutMs: number;
  ca: string[];
}

async function probeHost(url: URL, options: NetworkProbeOptions): Promise<{ probe: HostProbe; error?: ArchiverError }> {
  const host = bareHost(url.hostname);
  const useProxy = options.proxy !== undefined && !bypassesProxy(options.proxy, url.href);
  const probe: HostProbe = { host, port: portOf(url), via: useProxy ? 'proxy' : 'direct', stages: [] };
  const context: ProbeContext = { probe, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, ca: [...rootCertificates, ...(options.extraCaPem ?? [])] };

  let socket: Socket | undefined;
  try {
    socket = useProxy ? await openTunnel(context, options.proxy!) : await openDirect(context, host);
    socket = await handshake(context, socket, host, 'target');
    return { probe };
  } catch (error) {
    if (!(error instanceof ProbeFailure)) {
      throw error;
    }
    probe.failed = error.side;
    return { probe, error: error.error };
  } finally {
    socket?.destroy();
  }
}

/** A failed stage, with the side that failed. */
class ProbeFailure extends Error {
  constructor(
    readonly error: ArchiverError,
    readonly side: 'proxy' | 'target',
  ) {
    super(error.message);
  }
}

async function openDirect(context: ProbeContext, host: string): Promise<Socket> {
  const addresses = await resolve(context, host, (problem, cause) => new ArchiverError('NETWORK_DNS_FAILED', { details: { host, problem }, cause }), 'target');
  return connectTcp(context, host, addresses, context.probe.port, (error) => classifyNetworkError(error, host, { timeoutMs: context.timeoutMs }), 'target');
}

async function openTunnel(context: ProbeContext, proxy: ProxySettings): Promise<Socket> {
  const proxyUrl = new URL(proxy.url);
  const proxyHost = bareHost(proxyUrl.hostname);
  const target = context.probe.host;
  const toProxyError = (error: unknown) => proxyConnectError(error, proxy, target);

  const addresses = await resolve(context, proxyHost, (problem, cause) => toProxyError(Object.assign(new Error(problem), { cause })), 'proxy');
  let socket = await connectTcp(context, proxyHost, addresses, portOf(proxyUrl), toProxyError, 'proxy');
  if (proxyUrl.protocol === 'https:') {
    // NOTE: no test runs a proxy that speaks TLS itself; tinyproxy and the scripted proxy speak plain HTTP.
    socket = await handshake(context, socket, proxyHost, 'proxy');
  }
  await sendConnect(context, socket, proxy);
  return socket;
}

/** Resolves a host name; an IP address needs no lookup and records no stage. */
async function resolve(
  context: ProbeContext,
  host: string,
  toError: (problem: string, cause: unknown) => ArchiverError,
  side: 'proxy' | 'target',
): Promise<string[]> {
  if (isIP(host) !== 0) {
    return [host];
  }

  const startedAt = performance.now();
  try {
    const results = await withTimeout(lookup(host, { all: true }), context.timeoutMs, `resolving ${host}`);
    const addresses = results.map((result) => result.address);
    record(context, { stage: 'dns', host, startedAt, ok: true, info: addresses.join(', ') });
    return addresses;
  } catch (error) {
    record(context, { stage: 'dns', host, startedAt, ok: false });
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProbeFailure(toError(code ? `${code} (${describe(error)})` : describe(error), error), side);
  }
}

/** Opens a TCP connection to the first address that accepts it. */
async function connectTcp(
  context: ProbeContext,
  host: string,
  addresses: string[],
  port: number,
  toError: (error: unknown) => ArchiverError,
  side: 'proxy' | 'target',
): Promise<Socket> {
  const startedAt = performance.now();
  let lastError: unknown;

  for (const address of addresses) {
    try {
      const socket = await openSocket(address, port, context.timeoutMs);
      record(context, { stage: 'tcp', host, startedAt, ok: true, info: `${address}:${port}` });
      return socket;
    } catch (error) {
      lastError = error;
    }
  }
  record(context, { stage: 'tcp', host, startedAt, ok: false });
  throw new ProbeFailure(toError(lastError), side);
}

function openSocket(address: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(timeoutError(`TCP connection to ${address}:${port}`, timeoutMs));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      // A later error surfaces in the stage that uses the socket next; this only keeps it from
      // being thrown as an uncaught exception in between.
      socket.on('error', ignore);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

/** Runs a TLS handshake over `socket`, verifying the certificate for `host`. */
async function handshake(context: ProbeContext, socket: Socket, host: string, side: 'proxy' | 'target'): Promise<TLSSocket> {
  const startedAt = performance.now();
  try {
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      // SNI carries host names only (RFC 6066, section 3); an IP address is checked without it.
      const tlsSocket = tlsConnect({ socket, host, ...(isIP(host) === 0 ? { servername: host } : {}), ca: context.ca });
      const timer = setTimeout(() => {
        tlsSocket.destroy();
        reject(timeoutError(`TLS handshake with ${host}`, context.timeoutMs));
      }, context.timeoutMs);
      tlsSocket.once('secureConnect', () => {
        clearTimeout(timer);
        tlsSocket.removeAllListeners('error');
        tlsSocket.on('error', ignore);
        resolve(tlsSocket);
      });
      tlsSocket.once('error', (error) => {
        clearTimeout(timer);
        tlsSocket.destroy();
        reject(error);
      });
    });
    record(context, { stage: 'tls', host, startedAt, ok: true, info: secure.getProtocol() ?? undefined });
    return secure;
  } catch (error) {
    record(context, { stage: 'tls', host, startedAt, ok: false });
    throw new ProbeFailure(classifyNetworkError(error, host, { timeoutMs: context.timeoutMs }), side);
  }
}

/**
 * Requests a tunnel to the target with CONNECT (RFC 9110, section 9.3.6), sending Basic
 * credentials when the settings have a user. Any status but 200 becomes a PROXY_* error.
 */
async function sendConnect(context: ProbeContext, socket: Socket, proxy: ProxySettings): Promise<void> {
  const { host, port } = context.probe;
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
  if (proxy.username !== undefined) {
    const credentials = Buffer.from(`${proxy.username}:${proxy.password ?? ''}`, 'utf8').toString('base64');
    lines.push(`Proxy-Authorization: Basic ${credentials}`);
  }

  const startedAt = performance.now();
  let answer: ConnectAnswer;
  try {
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    answer = await readConnectAnswer(socket, context.timeoutMs);
  } catch (error) {
    record(context, { stage: 'connect', host: proxyLabel(proxy), startedAt, ok: false });
    throw new ProbeFailure(proxyConnectError(error, proxy, host), 'proxy');
  }

  const ok = answer.status === 200;
  record(context, { stage: 'connect', host: proxyLabel(proxy), startedAt, ok, info: answer.statusLine });
  if (!ok) {
    throw connectRefused(answer, proxy, host);
  }
}

function connectRefused(answer: ConnectAnswer, proxy: ProxySettings, host: string): ProbeFailure {
  if (isGatewayFailure(answer.status)) {
    const error = new ArchiverError('PROXY_TARGET_UNREACHABLE', { details: { proxy: proxyLabel(proxy), host, status: answer.status }, status: answer.status });
    return new ProbeFailure(error, 'target');
  }
  return new ProbeFailure(proxyStatusError(answer.status, answer.headers, proxy, host), 'proxy');
}

interface ConnectAnswer {
  status: number;
  statusLine: string;
  headers: Record<string, string | string[]>;
}

/** Reads the proxy's response head to CONNECT, leaving any bytes after it in the socket. */
function readConnectAnswer(socket: Socket, timeoutMs: number): Promise<ConnectAnswer> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const cleanUp = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffer.length > MAX_CONNECT_RESPONSE_BYTES) {
          cleanUp();
          reject(new Error(`the response to CONNECT has no end of headers within ${MAX_CONNECT_RESPONSE_BYTES} bytes`));
        }
        return;
      }
      cleanUp();
      const rest = buffer.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      try {
        resolve(parseHead(buffer.subarray(0, end).toString('latin1')));
      } catch (error) {
        reject(error);
      }
    };
    const onError = (error: Error) => {
      cleanUp();
      reject(error);
    };
    const onClose = () => {
      cleanUp();
      reject(new Error('the proxy closed the connection without a response to CONNECT'));
    };
    const timer = setTimeout(() => {
      cleanUp();
      reject(timeoutError('the response to CONNECT', timeoutMs));
    }, timeoutMs);

    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

function parseHead(head: string): ConnectAnswer {
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const match = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine);
  if (!match) {
    throw new Error(`the response to CONNECT is not HTTP: "${statusLine.slice(0, 60)}"`);
  }

  const headers: Record<string, string | string[]> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const existing = headers[name];
    headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return { status: Number(match[1]), statusLine: statusLine.trim(), headers };
}

function record(context: ProbeContext, stage: { stage: NetworkStage['stage']; host: string; startedAt: number; ok: boolean; info?: string }): void {
  context.probe.stages.push({
    stage: stage.stage,
    host: stage.host,
    durationMs: Math.round(performance.now() - stage.startedAt),
    ok: stage.ok,
    ...(stage.info ? { info: stage.info } : {}),
  });
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(what, timeoutMs)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function timeoutError(what: string, timeoutMs: number): Error {
  return Object.assign(new Error(`${what} timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'http:' ? 80 : 443;
}

function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '');
}

function ignore(): void {}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
