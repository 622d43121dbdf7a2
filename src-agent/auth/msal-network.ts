import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { request, type Dispatcher } from 'undici';
import type { Logger } from '../log/logger.js';

/**
 * The last failed exchange with the token endpoint or its metadata. MSAL discards the cause of a
 * failed metadata request and of a network error, so the provider keeps it for error mapping.
 */
export type TransportFailure =
  | { kind: 'network'; url: string; error: unknown; timeoutMs: number }
  | { kind: 'http'; url: string; status: number; body: unknown };

export interface MsalNetworkClientOptions {
  dispatcher: Dispatcher;
  logger: Logger;
  /** Time allowed for the response headers and between body chunks, in milliseconds. */
  timeoutMs: number;
  onFailure: (failure: TransportFailure) => void;
}

/**
 * Builds MSAL's network module on undici with the agent's dispatcher, so token requests trust the
 * same extra CAs and the same proxy as Graph requests. MSAL Node 5 and later have no
 * proxy or CA option of their own; a custom `system.networkClient` is the documented way.
 * Request bodies carry the client secret or the signed client assertion and are never logged.
 */
export function createMsalNetworkClient(options: MsalNetworkClientOptions): INetworkModule {
  return {
    sendGetRequestAsync: <T>(url: string, requestOptions?: NetworkRequestOptions, timeout?: number) =>
      send<T>(options, 'GET', url, requestOptions, timeout),
    sendPostRequestAsync: <T>(url: string, requestOptions?: NetworkRequestOptions) => send<T>(options, 'POST', url, requestOptions, undefined),
  };
}

async function send<T>(
  options: MsalNetworkClientOptions,
  method: 'GET' | 'POST',
  url: string,
  requestOptions: NetworkRequestOptions | undefined,
  timeout: number | undefined,
): Promise<NetworkResponse<T>> {
  const timeoutMs = timeout ? Math.min(timeout, options.timeoutMs) : options.timeoutMs;
  const startedAt = performance.now();
  const logUrl = url.split('?')[0];

  let statusCode: number;
  let headers: Record<string, string>;
  let text: string;
  try {
    const response = await request(url, {
      method,
      headers: requestOptions?.headers,
      body: method === 'POST' ? (requestOptions?.body ?? '') : undefined,
      dispatcher: options.dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    statusCode = response.statusCode;
    headers = flattenHeaders(response.headers);
    text = await response.body.text();
  } catch (error) {
    options.logger.debug({ method, url: logUrl, ms: elapsed(startedAt), error }, 'token endpoint request failed');
    options.onFailure({ kind: 'network', url, error, timeoutMs });
    throw error;
  }
  options.logger.debug({ method, url: logUrl, status: statusCode, ms: elapsed(startedAt) }, 'token endpoint request');

  const body = parseJson(text);
  if (statusCode >= 400 || body === undefined) {
    options.onFailure({ kind: 'http', url, status: statusCode, body: body ?? text.slice(0, 500) });
  }
  if (body === undefined) {
    throw new Error(`The response from ${logUrl} (HTTP ${statusCode}) is not JSON.`);
  }
  return { status: statusCode, headers, body: body as T };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return flat;
}

function elapsed(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
