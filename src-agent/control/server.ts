import { chmod, chown, unlink } from 'node:fs/promises';
import net from 'node:net';
import type { z } from 'zod';
import { ArchiverError, toArchiverError, type ErrorCode, type ErrorDetails } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { isNamedPipe } from './endpoint.js';
import { encodeLine, LineDecoder, LineTooLongError } from './framing.js';
import { computeProof, createNonce, proofMatches } from './handshake.js';
import {
  HANDSHAKE,
  isMethodName,
  MAX_LINE_BYTES,
  METHODS,
  PROTOCOL_VERSION,
  requestSchema,
  RPC_ERROR,
  type AgentStatus,
  type ControlEvent,
  type MethodName,
  type ResultOf,
  type RpcRequest,
} from './protocol.js';

/** The methods the agent implements; the server itself handles the handshake and the subscriptions. */
export type AgentMethodName = Exclude<MethodName, 'subscribe' | 'unsubscribe'>;

export type MethodHandlers = {
  [M in AgentMethodName]: (params: z.output<(typeof METHODS)[M]['params']>) => Promise<ResultOf<M>> | ResultOf<M>;
};

export interface ControlServerOptions {
  endpoint: string;
  token: Buffer;
  handlers: MethodHandlers;
  logger: Logger;
  /** Group that gets read and write access to the socket (Linux, macOS). */
  groupId?: number;
  /** Time a client has from connecting to finishing the handshake. */
  handshakeTimeoutMs?: number;
}

interface Connection {
  id: number;
  socket: net.Socket;
  phase: 'hello' | 'proof' | 'ready';
  clientNonce?: string;
  serverNonce?: string;
  subscribed: boolean;
  inFlight: number;
}

type RequestId = RpcRequest['id'] | null;

const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;
// The desktop app, the tray and a few shells need a handful of connections; the limit only
// keeps a runaway client from exhausting file handles.
const MAX_CONNECTIONS = 32;
const MAX_IN_FLIGHT_PER_CONNECTION = 16;
// A subscriber that leaves this much unread is not reading; it is disconnected instead of
// letting its events pile up in the agent's memory.
const MAX_UNREAD_BYTES = 4 * MAX_LINE_BYTES;
const AUTH_FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * Serves the control channel: accepts connections on a named pipe or Unix socket, runs the
 * token handshake, validates every request against the protocol's schemas, calls the agent's
 * handlers, and sends events to subscribed connections.
 */
export class ControlServer {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 1;
  private readonly authFailures: RateLimitedWarning;

  private constructor(private readonly options: ControlServerOptions) {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.maxConnections = MAX_CONNECTIONS;
    this.authFailures = new RateLimitedWarning(AUTH_FAILURE_LOG_INTERVAL_MS, (reason, suppressed) =>
      options.logger.warn({ reason, suppressed }, 'control connection rejected: it did not prove that it knows the token'),
    );
  }

  /**
   * Starts listening. A socket file left by an agent that died is removed first, but a socket
   * that still accepts connections is left alone.
   *
   * @throws ArchiverError CONTROL_LISTEN_FAILED when the endpoint cannot be opened.
   */
  static async listen(options: ControlServerOptions): Promise<ControlServer> {
    const control = new ControlServer(options);
    await control.open();
    return control;
  }

  get endpoint(): string {
    return this.options.endpoint;
  }

  /** Sends an event to every authenticated connection that subscribed. */
  broadcast(event: ControlEvent): void {
    const line =
      event.type === 'status'
        ? encodeLine({ jsonrpc: '2.0', method: 'statusChanged', params: event.status })
        : encodeLine({ jsonrpc: '2.0', method: 'runProgress', params: event.progress });
    for (const connection of this.connections) {
      if (connection.phase === 'ready' && connection.subscribed) {
        this.writeLine(connection, line);
      }
    }
  }

  /** Closes every connection and stops listening; the socket file is removed. */
  async close(): Promise<void> {
    for (const connection of this.connections) {
      connection.socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async open(): Promise<void> {
    const { endpoint, logger } = this.options;
    try {
      await listenOn(this.server, endpoint);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || isNamedPipe(endpoint)) {
        throw listenError(endpoint, error);
      }
      if (await somethingAnswers(endpoint)) {
        throw listenError(endpoint, new Error('another process is listening on this socket'));
      }
      logger.info({ endpoint }, 'removing a control socket left by an earlier agent');
      await unlink(endpoint).catch((unlinkError: unknown) => Promise.reject(listenError(endpoint, unlinkError)));
      await listenOn(this.server, endpoint).catch((retryError: unknown) => Promise.reject(listenError(endpoint, retryError)));
    }

    if (isNamedPipe(endpoint)) {
      // NOTE: Node cannot pass a security descriptor when it creates a pipe, so the pipe has
      // the default DACL of the agent's account. For the LocalSystem service that lets only
      // elevated clients connect; the desktop app of an operator without elevation is denied.
      // The installer must close this gap: run the service under a dedicated account, or have
      // a native helper add an ACE that grants the local operators group read and write access
      // (SetSecurityInfo on the pipe, which needs WRITE_DAC). The token handshake applies either way.
      logger.info({ endpoint }, 'control channel listening');
      return;
    }
    await this.restrictSocket(endpoint);
    logger.info({ endpoint }, 'control channel listening');
  }

  private async restrictSocket(endpoint: string): Promise<void> {
    const { groupId, logger } = this.options;
    try {
      if (groupId !== undefined) {
        await chown(endpoint, -1, groupId);
      }
      await chmod(endpoint, 0o660);
    } catch (error) {
      logger.warn({ endpoint, groupId, err: error }, 'could not limit access to the control socket to the agent and the operators group');
    }
  }

  private accept(socket: net.Socket): void {
    const connection: Connection = { id: this.nextConnectionId++, socket, phase: 'hello', subscribed: false, inFlight: 0 };
    this.connections.add(connection);
    const decoder = new LineDecoder(MAX_LINE_BYTES);

    const timeout = setTimeout(() => {
      if (connection.phase !== 'ready') {
        this.authFailures.record('handshake not finished in time');
        socket.destroy();
      }
    }, this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS);

    socket.on('data', (chunk: Buffer) => {
      let lines: string[];
      try {
        lines = decoder.push(chunk);
      } catch (error) {
        if (!(error instanceof LineTooLongError)) throw error;
        this.sendError(connection, null, RPC_ERROR.invalidRequest, error.message);
        this.options.logger.warn({ connection: connection.id, maxBytes: MAX_LINE_BYTES }, 'control message too long; connection closed');
        socket.end();
        socket.pause();
        return;
      }
      for (const line of lines) {
        this.handleLine(connection, line);
      }
    });
    socket.on('error', (error) => this.options.logger.debug({ connection: connection.id, err: error }, 'control connection failed'));
    socket.on('close', () => {
      clearTimeout(timeout);
      this.connections.delete(connection);
    });
  }

  private handleLine(connection: Connection, line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.rejectMalformed(connection, null, RPC_ERROR.parseError, 'the line is not valid JSON');
      return;
    }
    const request = requestSchema.safeParse(message);
    if (!request.success) {
      this.rejectMalformed(connection, idOf(message), RPC_ERROR.invalidRequest, 'the message is not a JSON-RPC 2.0 request');
      return;
    }

    if (connection.phase === 'ready') {
      void this.dispatch(connection, request.data);
    } else {
      this.handshake(connection, request.data);
    }
  }

  /** Sends an error for a malformed message, and disconnects a client that has not authenticated yet. */
  private rejectMalformed(connection: Connection, id: RequestId, code: number, problem: string): void {
    this.sendError(connection, id, code, problem);
    if (connection.phase !== 'ready') {
      this.authFailures.record(problem);
      connection.socket.end();
    }
  }

  private handshake(connection: Connection, request: RpcRequest): void {
    if (connection.phase === 'hello' && request.method === 'hello') {
      const params = HANDSHAKE.hello.params.safeParse(request.params);
      if (!params.success) {
        this.rejectMalformed(connection, request.id, RPC_ERROR.invalidParams, 'hello needs protocolVersion and a 32-byte clientNonce');
        return;
      }
      if (params.data.protocolVersion !== PROTOCOL_VERSION) {
        const problem = `the client speaks protocol version ${params.data.protocolVersion}, this agent speaks ${PROTOCOL_VERSION}`;
        this.rejectMalformed(connection, request.id, RPC_ERROR.invalidRequest, problem);
        return;
      }
      connection.clientNonce = params.data.clientNonce;
      connection.serverNonce = createNonce();
      connection.phase = 'proof';
      this.sendResult(connection, request.id, { protocolVersion: PROTOCOL_VERSION, serverNonce: connection.serverNonce });
      return;
    }

    if (connection.phase === 'proof' && request.method === 'authenticate') {
      const params = HANDSHAKE.authenticate.params.safeParse(request.params);
      const { clientNonce = '', serverNonce = '' } = connection;
      const expected = computeProof(this.options.token, 'client', clientNonce, serverNonce);
      if (!params.success || !proofMatches(expected, params.data.clientProof)) {
        this.refuse(connection, request.id, 'wrong token');
        return;
      }
      connection.phase = 'ready';
      this.sendResult(connection, request.id, { serverProof: computeProof(this.options.token, 'server', clientNonce, serverNonce) });
      this.options.logger.debug({ connection: connection.id }, 'control client authenticated');
      return;
    }

    this.refuse(connection, request.id, `"${request.method}" sent before the handshake finished`);
  }

  private refuse(connection: Connection, id: RequestId, reason: string): void {
    this.authFailures.record(reason);
    this.sendError(connection, id, RPC_ERROR.authFailed, 'authentication failed', { code: 'CONTROL_AUTH_FAILED', details: { endpoint: this.options.endpoint } });
    connection.socket.end();
  }

  private async dispatch(connection: Connection, request: RpcRequest): Promise<void> {
    const { id, method } = request;
    if (!isMethodName(method)) {
      const problem = method === 'hello' || method === 'authenticate' ? 'the handshake is already done' : `unknown method "${method}"`;
      this.sendError(connection, id, RPC_ERROR.methodNotFound, problem);
      return;
    }
    const params = METHODS[method].params.safeParse(request.params);
    if (!params.success) {
      // Names the fields and rules only: a value may be a secret.
      const problem = params.error.issues.map((issue) => `${issue.path.join('.') || 'params'}: ${issue.message}`).join('; ');
      this.sendError(connection, id, RPC_ERROR.invalidParams, `invalid params for "${method}": ${problem}`);
      return;
    }
    if (connection.inFlight >= MAX_IN_FLIGHT_PER_CONNECTION) {
      this.sendError(connection, id, RPC_ERROR.invalidRequest, `more than ${MAX_IN_FLIGHT_PER_CONNECTION} requests in progress on one connection`);
      return;
    }

    connection.inFlight++;
    this.options.logger.debug({ connection: connection.id, method }, 'control request');
    try {
      const result = await this.call(connection, method, params.data);
      this.sendResult(connection, id, result);
    } catch (error) {
      const failure = toArchiverError(error);
      this.options.logger.warn({ connection: connection.id, method, code: failure.code, err: failure }, 'control request failed');
      this.sendError(connection, id, RPC_ERROR.agentError, failure.message, { code: failure.code, details: failure.details });
    } finally {
      connection.inFlight--;
    }
  }

  private async call(connection: Connection, method: MethodName, params: unknown): Promise<unknown> {
    const { handlers } = this.options;
    switch (method) {
      case 'subscribe':
        connection.subscribed = true;
        return (await handlers.status(undefined)) satisfies AgentStatus;
      case 'unsubscribe':
        connection.subscribed = false;
        return { subscribed: false };
      default: {
        const handler = handlers[method] as (input: unknown) => unknown;
        return await handler(params);
      }
    }
  }

  private sendResult(connection: Connection, id: RequestId, result: unknown): void {
    this.writeLine(connection, encodeLine({ jsonrpc: '2.0', id, result }));
  }

  private sendError(connection: Connection, id: RequestId, code: number, message: string, data?: { code: ErrorCode; details: ErrorDetails }): void {
    const error = { code, message, data: data ?? { code: 'CONTROL_PROTOCOL_ERROR', details: { problem: message } } };
    this.writeLine(connection, encodeLine({ jsonrpc: '2.0', id, error }));
  }

  private writeLine(connection: Connection, line: string): void {
    const { socket } = connection;
    if (socket.destroyed || !socket.writable) {
      return;
    }
    if (socket.writableLength > MAX_UNREAD_BYTES) {
      this.options.logger.warn({ connection: connection.id, unreadBytes: socket.writableLength }, 'control client stopped reading; connection closed');
      socket.destroy();
      return;
    }
    socket.write(line);
  }
}

/** Logs the first event at once and then at most one line per interval, with the number left out. */
class RateLimitedWarning {
  private lastAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (reason: string, suppressed: number) => void,
  ) {}

  record(reason: string): void {
    const now = Date.now();
    if (now - this.lastAt < this.intervalMs) {
      this.suppressed++;
      return;
    }
    this.emit(reason, this.suppressed);
    this.lastAt = now;
    this.suppressed = 0;
  }
}

function idOf(message: unknown): RequestId {
  if (message && typeof message === 'object' && 'id' in message) {
    const { id } = message as { id: unknown };
    if ((typeof id === 'number' && Number.isInteger(id) && id >= 0) || (typeof id === 'string' && id.length <= 64)) {
      return id;
    }
  }
  return null;
}

function listenOn(server: net.Server, endpoint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(endpoint, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Connects to the socket to tell a live listener from a file left by a dead process. */
function somethingAnswers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(endpoint);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function listenError(endpoint: string, error: unknown): ArchiverError {
  const problem = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
  return new ArchiverError('CONTROL_LISTEN_FAILED', { details: { endpoint, problem }, cause: error });
}
