/**
 * Graph's error shape, replies and OData query parsing shared by every Graph handler.
 */
import type { MimeSource } from './content/types.js';

/** A failure that becomes Graph's `{"error":{"code","message","innerError"}}` body. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export interface JsonReply {
  kind: 'json';
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Raw MIME for `$value`; the server streams it and the limiter slot stays taken until the body ends. */
export interface MimeReply {
  kind: 'mime';
  status: number;
  headers: Record<string, string>;
  source: MimeSource;
}

export interface EmptyReply {
  kind: 'empty';
  status: number;
  headers: Record<string, string>;
}

export type Reply = JsonReply | MimeReply | EmptyReply;

/** Graph responds with JSON in OData's minimal metadata content type. */
export const GRAPH_JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export function jsonReply(body: unknown, status = 200, headers: Record<string, string> = {}): JsonReply {
  return { kind: 'json', status, headers, body };
}

/** Builds the error body Graph sends, with the innerError fields clients log. */
export function graphErrorBody(code: string, message: string, requestId: string, clientRequestId: string | undefined): unknown {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}

// Query options the simulator recognises anywhere; each endpoint then allows a subset.
const KNOWN_SYSTEM_OPTIONS = new Set([
  '$select',
  '$top',
  '$skip',
  '$skiptoken',
  '$deltatoken',
  '$filter',
  '$orderby',
  '$search',
  '$count',
  '$expand',
  '$format',
]);

/** Parsed query of one request: system options keyed with their `$`, custom options as sent. */
export interface ODataQuery {
  options: Map<string, string>;
  custom: Map<string, string>;
}

/**
 * Parses the raw query string the way Graph does: in v1.0 the `$` prefix of system options is
 * optional, a repeated system option is a 400, and an unknown `$name` is a 400.
 */
export function parseQuery(rawQuery: string): ODataQuery {
  const options = new Map<string, string>();
  const custom = new Map<string, string>();
  const params = new URLSearchParams(rawQuery);

  for (const [rawName, value] of params) {
    const bare = rawName.startsWith('$') ? rawName.slice(1) : rawName;
    const name = `$${bare.toLowerCase()}`;
    if (!KNOWN_SYSTEM_OPTIONS.has(name)) {
      if (rawName.startsWith('$')) {
        // NOTE: Graph's exact wording for an unknown system query option is unconfirmed.
        throw new GraphError(400, 'BadRequest', `The query parameter '${rawName}' is not supported.`);
      }
      custom.set(rawName, value);
      continue;
    }
    if (options.has(name)) {
      throw new GraphError(400, 'BadRequest', `Query option '${name}' was specified more than once, but it must be specified at most once.`);
    }
    options.set(name, value);
  }
  return { options, custom };
}

/** Rejects every system option not in `allowed`, with the code the resource's backend uses. */
export function allowOnly(query: ODataQuery, allowed: readonly string[], code = 'ErrorInvalidUrlQuery'): void {
  for (const name of query.options.keys()) {
    if (!allowed.includes(name)) {
      throw new GraphError(400, code, `The query parameter '${name}' is not supported with this request.`);
    }
  }
}

/** Parses `$top` within the resource's range; Graph rejects values outside it. */
export function parseTop(query: ODataQuery, fallback: number, max: number, code = 'ErrorInvalidUrlQuery'): number {
  const raw = query.options.get('$top');
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) {
    throw new GraphError(400, 'BadRequest', `Invalid value '${raw}' for $top query option found.`);
  }
  const top = Number(raw);
  if (top < 1 || top > max) {
    throw new GraphError(400, code, `Invalid page size specified: '${raw}'. Must be between 1 and ${max} inclusive.`);
  }
  return top;
}

export function parseSkip(query: ODataQuery): number {
  const raw = query.options.get('$skip');
  if (raw === undefined) return 0;
  if (!/^\d+$/.test(raw)) {
    throw new GraphError(400, 'BadRequest', `Invalid value '${raw}' for $skip query option found.`);
  }
  return Number(raw);
}

/**
 * Parses `$select` against the resource's properties. Outlook rejects an unknown property with
 * 400 `RequestBroker--ParseUri` ("Could not find a property named ..."), seen in public client code.
 */
export function parseSelect(query: ODataQuery, known: ReadonlySet<string>, typeName: string, code = 'RequestBroker--ParseUri'): string[] | undefined {
  const raw = query.options.get('$select');
  if (raw === undefined) return undefined;

  const names = raw.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  if (names.length === 0) {
    throw new GraphError(400, 'BadRequest', 'The $select query option must name at least one property.');
  }
  const resolved: string[] = [];
  for (const name of names) {
    const match = [...known].find((property) => property.toLowerCase() === name.toLowerCase());
    if (match === undefined) {
      throw new GraphError(400, code, `Could not find a property named '${name}' on type '${typeName}'.`);
    }
    if (!resolved.includes(match)) resolved.push(match);
  }
  return resolved;
}

/** Copies the selected properties, always keeping `id` as Graph does. */
export function project(entity: Record<string, unknown>, select: readonly string[] | undefined, defaults: readonly string[]): Record<string, unknown> {
  const names = select ?? defaults;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity)) {
    if (key.startsWith('@odata.')) result[key] = value;
  }
  result.id = entity.id;
  for (const name of names) {
    if (name in entity) result[name] = entity[name];
  }
  return result;
}

/** Reads a boolean custom option such as `includeHiddenFolders=true`, case-insensitive in name and value. */
export function customFlag(query: ODataQuery, name: string): boolean {
  for (const [key, value] of query.custom) {
    if (key.toLowerCase() === name.toLowerCase()) return value.toLowerCase() === 'true';
  }
  return false;
}

export function customValue(query: ODataQuery, name: string): string | undefined {
  for (const [key, value] of query.custom) {
    if (key.toLowerCase() === name.toLowerCase()) return value;
  }
  return undefined;
}

/** Builds a query string with `$` names left unescaped, as Graph writes its nextLinks. */
export function buildQuery(pairs: Array<[string, string]>): string {
  if (pairs.length === 0) return '';
  const encoded = pairs.map(([name, value]) => `${encodeURIComponent(name).replace(/^%24/, '$')}=${encodeURIComponent(value)}`);
  return `?${encoded.join('&')}`;
}
