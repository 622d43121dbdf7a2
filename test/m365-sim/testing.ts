/**
 * Helpers for tests against the simulator: a small tenant built in code and a Graph client over
 * real HTTPS (undici) that trusts the simulator's CA.
 */
import { Agent, request } from 'undici';
import type { ContentFolder, ContentMessage, TenantContent } from './content/types.js';
import type { RunningSimulator, SimulatorOptions } from './types.js';
import { startSimulator } from './index.js';

export const TENANT_ID = '6f1c3d2e-8a4b-4c7d-9e0f-1a2b3c4d5e6f';
export const ANNA = 'anna@contoso.de';
export const BOB = 'bob@contoso.de';
export const SCANNER = 'scanner@contoso.de';
export const DENIED = 'denied@contoso.de';

export interface MimeFields {
  subject: string;
  from?: string;
  to?: string;
  date?: string;
  messageId?: string;
  body?: string;
  extraHeaders?: string[];
}

/** Builds a small RFC 5322 message with CRLF line endings and a UTF-8 body. */
export function buildMime(fields: MimeFields): Buffer {
  const lines = [
    `From: ${fields.from ?? 'Sender <sender@example.org>'}`,
    `To: ${fields.to ?? 'Anna <anna@contoso.de>'}`,
    `Subject: ${fields.subject}`,
    `Date: ${fields.date ?? 'Mon, 2 Mar 2026 09:00:00 +0100'}`,
    `Message-ID: ${fields.messageId ?? `<${Math.random().toString(36).slice(2)}@example.org>`}`,
    ...(fields.extraHeaders ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    fields.body ?? 'Hello.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

function message(index: number, folder: string, extra: Partial<ContentMessage> = {}): ContentMessage {
  const day = String(1 + (index % 28)).padStart(2, '0');
  return {
    mime: {
      kind: 'buffer',
      bytes: buildMime({
        subject: `${folder} message ${index}`,
        date: `Mon, ${day} Feb 2026 10:${String(index % 60).padStart(2, '0')}:00 +0000`,
        messageId: `<${folder.replace(/\W/g, '')}-${index}@example.org>`,
      }),
    },
    receivedDateTime: `2026-02-${day}T10:${String(index % 60).padStart(2, '0')}:00Z`,
    ...extra,
  };
}

function folder(displayName: string, messages: ContentMessage[], extra: Partial<ContentFolder> = {}): ContentFolder {
  return { displayName, children: [], messages, ...extra };
}

/**
 * Anna has an inbox with a German subject (RFC 2047) and 8-bit UTF-8 body, a "Rechnungen"
 * subfolder, a hidden folder, a drafts folder and a pickup folder with 25 messages.
 */
export function smallTenant(): TenantContent {
  const umlautMime = buildMime({
    subject: '=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=',
    from: '=?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <joerg@example.de>',
    body: 'Grüße, Jörg – 😀',
    messageId: '<umlaut@example.de>',
    date: 'Tue, 3 Mar 2026 08:15:00 +0100',
  });
  const inbox = folder('Inbox', [{ mime: { kind: 'buffer', bytes: umlautMime } }, message(1, 'Inbox'), message(2, 'Inbox', { categories: ['Rot'] })], {
    wellKnownName: 'inbox',
    children: [folder('Rechnungen', [message(1, 'Rechnungen'), message(2, 'Rechnungen')])],
  });
  const pickup = folder(
    'Abholordner',
    Array.from({ length: 25 }, (_, index) => message(index, 'Abholordner', index % 5 === 0 ? { categories: ['Archiviert'] } : {})),
  );
  return {
    tenantId: TENANT_ID,
    domains: ['contoso.onmicrosoft.com', 'contoso.de'],
    mailboxes: [
      {
        address: ANNA,
        displayName: 'Anna Schmidt',
        id: '11111111-2222-4333-8444-555555555555',
        hasMailbox: true,
        folders: [
          inbox,
          folder('Drafts', [message(1, 'Drafts', { isDraft: true })], { wellKnownName: 'drafts' }),
          folder('Verborgen', [message(1, 'Verborgen')], { isHidden: true }),
          pickup,
        ],
      },
      { address: BOB, displayName: 'Bob Meyer', id: '22222222-3333-4444-8555-666666666666', hasMailbox: true, folders: [folder('Inbox', [message(1, 'Bob')], { wellKnownName: 'inbox' })] },
      { address: SCANNER, displayName: 'Scanner', id: '33333333-4444-4555-8666-777777777777', hasMailbox: false, folders: [] },
      { address: DENIED, displayName: 'Denied Box', id: '44444444-5555-4666-8777-888888888888', hasMailbox: true, folders: [] },
    ],
  };
}

/** Starts a simulator with the small tenant unless `options.content` is given. */
export function startSmall(options: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  return startSimulator({ content: smallTenant(), accessDeniedMailboxes: [DENIED], ...options });
}

export interface Response {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: Record<string, unknown>;
  bytes: Buffer;
}

/** A client that talks to the simulator over HTTPS, trusting only its CA. */
export class SimClient {
  readonly agent: Agent;
  private token: string | undefined;

  constructor(readonly simulator: RunningSimulator) {
    this.agent = new Agent({ connect: { ca: simulator.caPem } });
  }

  async fetchToken(): Promise<string> {
    const form = new URLSearchParams({
      client_id: this.simulator.clientId,
      client_secret: this.simulator.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
    });
    const response = await this.send('POST', `/${this.simulator.tenantId}/oauth2/v2.0/token`, { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
    if (response.status !== 200) throw new Error(`Token request failed: ${response.text}`);
    this.token = response.json.access_token as string;
    return this.token;
  }

  /** Sends a request; `path` starts at the origin, for example /v1.0/users. */
  async send(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Response> {
    const url = path.startsWith('https://') ? path : `${this.simulator.url}${path}`;
    const response = await request(url, { method: method as 'GET', headers, body, dispatcher: this.agent });
    const bytes = Buffer.from(await response.body.arrayBuffer());
    const text = bytes.toString('utf8');
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Non-JSON bodies such as MIME stay in `text` and `bytes`.
    }
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { status: response.statusCode, headers: flat, text, json, bytes };
  }

  /** Sends an authenticated Graph request; the token is fetched once. */
  async graph(method: string, path: string, options: { headers?: Record<string, string>; json?: unknown; token?: string } = {}): Promise<Response> {
    const token = options.token ?? this.token ?? (await this.fetchToken());
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...options.headers };
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    return this.send(method, path.startsWith('/v1.0') || path.startsWith('https://') ? path : `/v1.0${path}`, headers, body);
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.graph('GET', path, { headers });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Returns the error code of a Graph error response, for short assertions. */
export function errorCode(response: Response): string | undefined {
  const error = response.json.error as { code?: string } | undefined;
  return error?.code;
}
