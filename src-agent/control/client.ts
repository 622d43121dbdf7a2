import net from 'node:net';
import type { z } from 'zod';
import type { AgentConfigInput } from '../config/schema.js';
import { ArchiverError, toArchiverError } from '../errors/index.js';
import { controlEndpoint } from './endpoint.js';
import { encodeLine, LineDecoder, LineTooLongError } from './framing.js';
import { computeProof, createNonce, proofMatches } from './handshake.js';
import {
  errorDataSchema,
  HANDSHAKE,
  MAX_LINE_BYTES,
  METHODS,
  NOTIFICATIONS,
  notificationSchema,
  PROTOCOL_VERSION,
  responseSchema,
  RPC_ERROR,
  type AgentStatus,
  type ControlEvent,
  type MethodName,
  type ParamsOf,
  type ResultOf,
  type RpcResponse,
} from './protocol.js';
import { controlTokenFile, parseToken, readControlToken } from './token.js';

export interface ConnectOptions {
  /** Data directory of the agent; gives the endpoint and the token file. */
  dataDir?: string;
  /** Endpoint to use instead of the data directory's one. */
  endpoint?: string;
  /** The token, as bytes or as the token file's hex text; read from `<dataDir>/control.token` when absent. */
  token?: Buffer | string;
  /** Limit for connecting plus the handshake, and for each request. */
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

/** A connection to a running agent, with one typed function per method. */
export interface ControlClient {
  readonly endpoint: string;
  status(): Promise<AgentStatus>;
  runNow(): Promise<ResultOf<'runNow'>>;
  pause(): Promise<ResultOf<'pause'>>;
  resume(): Promise<ResultOf<'resume'>>;
  getSettings(): Promise<ResultOf<'getSettings'>>;
  setSettings(settings: AgentConfigInput): Promise<ResultOf<'setSettings'>>;
  setSecret(params: ParamsOf<'setSecret'>): Promise<ResultOf<'setSecret'>>;
  testTarget(params?: ParamsOf<'testTarget'>): Promise<ResultOf<'testTarget'>>;
  secretStatus(): Promise<ResultOf<'secretStatus'>>;
  history(params: ParamsOf<'history'>): Promise<ResultOf<'history'>>;
  /** Sends every status and progress event to `listener` from now on; returns the current status. */
  subscribe(listener: (event: ControlEvent) => void): Promise<AgentStatus>;
  /** Calls `listener` once when the connection ends, with the reason unless close() ended it. */
  onClose(listener: (error?: ArchiverError) => void): void;
  close(): void;
}

/** Default limit for the handshake and each request; a keychain write may take up to 10 s. */
export const DEFAULT_CONTROL_TIMEOUT_MS = 15_000;

/**
 * Connects to the agent, proves that this side has the token and verifies the agent's proof
 * before it sends anything else.
 *
 * @throws ArchiverError CONTROL_AGENT_NOT_RUNNING when nothing listens, CONTROL_TOKEN_UNREADABLE,
 *   CONTROL_AUTH_FAILED when the agent rejects the token, CONTROL_IMPOSTOR when the listener
 *   fails its proof, CONTROL_TIMEOUT, CONTROL_PROTOCOL_ERROR.
 */
export async function connectControl(options: ConnectOptions): Promise<ControlClient> {
  if (!options.endpoint && !options.dataDir) {
    throw new ArchiverError('INTERNAL', { details: { problem: 'connectControl needs a dataDir or an endpoint' } });
  }
  const endpoint = options.endpoint ?? controlEndpoint(options.dataDir as string, options.platform);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS;

  // Connecting first reports a stopped agent as such, even when its token file is gone too.
  const socket = await openSocket(endpoint, timeoutMs);
  const connection = new Connection(socket, endpoint, timeoutMs);
  try {
    const token = await resolveToken(options);
    await withTimeout(handshake(connection, token), timeoutMs, () => timeoutError(endpoint, 'handshake', timeoutMs));
  } catch (error) {
    connection.close();
    throw error;
  }
  return typedClient(connection);
}

async function resolveToken(options: ConnectOptions): Promise<Buffer> {
  if (Buffer.isBuffer(options.token)) {
    return options.token;
  }
  if (typeof options.token === 'string') {
    const parsed = parseToken(options.token);
    if (!parsed) {
      throw new ArchiverError('CONTROL_TOKEN_UNREADABLE', { details: { path: '(given token)', problem: 'not 64 hexadecimal digits' } });
    }
    return parsed;
  }
  if (!options.dataDir) {
    throw new ArchiverError('INTERNAL', { details: { problem: 'connectControl needs a token or a dataDir to read it from' } });
  }
  return readControlToken(controlTokenFile(options.dataDir));
}

async function handshake(connection: Connection, token: Buffer): Promise<void> {
  const clientNonce = createNonce();
  const hello = HANDSHAKE.hello.result.safeParse(await connection.request('hello', { protocolVersion: PROTOCOL_VERSION, clientNonce }));
  if (!hello.success) {
    throw protocolError('the response to hello is invalid');
  }
  if (hello.data.protocolVersion !== PROTOCOL_VERSION) {
    throw protocolError(`the agent speaks protocol version ${hello.data.protocolVersion}, this client ${PROTOCOL_VERSION}`);
  }
  const { serverNonce } = hello.data;

  const clientProof = computeProof(token, 'client', clientNonce, serverNonce);
  const answer = HANDSHAKE.authenticate.result.safeParse(await connection.request('authenticate', { clientProof }));
  const expected = computeProof(token, 'server', clientNonce, serverNonce);
  if (!answer.success || !proofMatches(expected, answer.data.serverProof)) {
    throw new ArchiverError('CONTROL_IMPOSTOR', { details: { endpoint: connection.endpoint } });
  }
}

function typedClient(connection: Connection): ControlClient {
  const call = async <M extends MethodName>(method: M, params?: ParamsOf<M>): Promise<ResultOf<M>> => {
    const raw = await connection.request(method, params);
    const parsed = METHODS[method].result.safeParse(raw);
    if (!parsed.success) {
      throw protocolError(`the result of "${method}" is invalid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    }
    return parsed.data as ResultOf<M>;
  };
  return {
    endpoint: connection.endpoint,
    status: () => call('status'),
    runNow: () => call('runNow'),
    pause: () => call('pause'),
    resume: () => call('resume'),
    getSettings: () => call('getSettings'),
    setSettings: (settings) => call('setSettings', { settings: settings as Record<string, unknown> }),
    setSecret: (params) => call('setSecret', params),
    testTarget: (params) => call('testTarget', params),
    secretStatus: () => call('secretStatus'),
    history: (params) => call('history', params),
    async subscribe(listener) {
      connection.eventListeners.add(listener);
      return call('subscribe');
    },
    onClose(listener) {
      connection.closeListeners.add(listener);
    },
    close: () => connection.close(),
  };
}

interface Pending {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: ArchiverError) => void;
  timer: NodeJS.Timeout;
}

/** One socket with request ids, timeouts and validation of everything the agent sends. */
class Connection {
  readonly eventListeners = new Set<(event: ControlEvent) => void>();
  readonly closeListeners = new Set<(error?: ArchiverError) => void>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private ended: ArchiverError | 'closed' | undefined;

  constructor(
    private readonly socket: net.Socket,
    readonly endpoint: string,
    private readonly timeoutMs: number,
  ) {
    const decoder = new LineDecoder(MAX_LINE_BYTES);
    socket.on('data', (chunk: Buffer) => {
      const events: ControlEvent[] = [];
      try {
        for (const line of decoder.push(chunk)) {
          const event = this.receive(line);
          if (event) events.push(event);
        }
      } catch (error) {
        const problem = error instanceof LineTooLongError ? error.message : toArchiverError(error).message;
        this.fail(error instanceof ArchiverError ? error : protocolError(problem));
        return;
      }
      // Outside the try, so that an exception in a listener reaches the caller like one from an
      // EventEmitter listener, instead of being taken for a protocol error.
      for (const event of events) {
        for (const listener of this.eventListeners) {
          listener(event);
        }
      }
    });
    socket.on('error', (error) => this.fail(new ArchiverError('CONTROL_CONNECTION_LOST', { details: { endpoint }, cause: error })));
    socket.on('close', () => this.fail(new ArchiverError('CONTROL_CONNECTION_LOST', { details: { endpoint } })));
  }

  request(method: string, params: unknown): Promise<unknown> {
    if (this.ended) {
      return Promise.reject(this.ended === 'closed' ? new ArchiverError('CONTROL_CONNECTION_LOST', { details: { endpoint: this.endpoint } }) : this.ended);
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(timeoutError(this.endpoint, method, this.timeoutMs));
      }, this.timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      this.socket.write(encodeLine({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
    });
  }

  close(): void {
    this.finish('closed');
  }

  /** Settles the request that `line` responds to, or returns the event that it carries. */
  private receive(line: string): ControlEvent | undefined {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      throw protocolError('the agent sent a line that is not JSON');
    }

    const response = responseSchema.safeParse(message);
    if (response.success) {
      this.settle(response.data);
      return undefined;
    }
    const notification = notificationSchema.safeParse(message);
    if (notification.success) {
      return parseNotification(notification.data.method, notification.data.params);
    }
    throw protocolError('the agent sent a message that is neither a response nor a notification');
  }

  private settle(response: RpcResponse): void {
    if (response.id === null || typeof response.id !== 'number') {
      // An error about a line the agent could not read; the request it concerns times out.
      return;
    }
    const pending = this.pending.get(response.id);
    if (!pending) {
      return;
    }
    this.pending.delete(response.id);
    clearTimeout(pending.timer);
    if ('result' in response) {
      pending.resolve(response.result);
    } else {
      pending.reject(errorFromResponse(response.error, this.endpoint));
    }
  }

  private fail(error: ArchiverError): void {
    this.finish(error);
  }

  private finish(reason: ArchiverError | 'closed'): void {
    if (this.ended) {
      return;
    }
    this.ended = reason;
    this.socket.destroy();
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(reason === 'closed' ? new ArchiverError('CONTROL_CONNECTION_LOST', { details: { endpoint: this.endpoint } }) : reason);
      this.pending.delete(id);
    }
    for (const listener of this.closeListeners) {
      listener(reason === 'closed' ? undefined : reason);
    }
  }
}

function parseNotification(method: string, params: unknown): ControlEvent | undefined {
  if (method === 'statusChanged') {
    return { type: 'status', status: parseEvent(NOTIFICATIONS.statusChanged, params, method) };
  }
  if (method === 'runProgress') {
    return { type: 'progress', progress: parseEvent(NOTIFICATIONS.runProgress, params, method) };
  }
  // A newer agent may send events that this client does not know yet.
  return undefined;
}

function parseEvent<T>(schema: z.ZodType<T>, params: unknown, method: string): T {
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    throw protocolError(`the "${method}" event is invalid`);
  }
  return parsed.data;
}

function errorFromResponse(error: { code: number; message: string; data?: unknown }, endpoint: string): ArchiverError {
  const data = errorDataSchema.safeParse(error.data);
  if (error.code === RPC_ERROR.authFailed) {
    return new ArchiverError('CONTROL_AUTH_FAILED', { details: { endpoint } });
  }
  if (data.success && data.data.code !== 'CONTROL_PROTOCOL_ERROR') {
    return new ArchiverError(data.data.code, { details: data.data.details });
  }
  return protocolError(error.message);
}

function openSocket(endpoint: string, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(endpoint);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(timeoutError(endpoint, 'connect', timeoutMs));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ArchiverError('CONTROL_AGENT_NOT_RUNNING', { details: { endpoint, problem: error.code ?? error.message }, cause: error }));
    });
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => ArchiverError): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function timeoutError(endpoint: string, operation: string, ms: number): ArchiverError {
  return new ArchiverError('CONTROL_TIMEOUT', { details: { endpoint, operation, ms } });
}

function protocolError(problem: string): ArchiverError {
  return new ArchiverError('CONTROL_PROTOCOL_ERROR', { details: { problem } });
}
