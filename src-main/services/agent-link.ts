import { connectControl, type ControlClient } from '../../src-agent/control/client.js';
import type { ControlEvent } from '../../src-agent/control/protocol.js';
import { toArchiverError, type ArchiverError } from '../../src-agent/errors/index.js';
import type { Logger } from '../../src-agent/log/logger.js';

export interface AgentLinkOptions {
  dataDir: string;
  logger: Logger;
  /** Receives every event of the agent, and `unreachable` when the connection ends. */
  onEvent: (event: ControlEvent | { type: 'unreachable'; error: ArchiverError }) => void;
  /** Time for connecting plus the handshake, and for each request. */
  timeoutMs?: number;
}

// Waits between reconnection attempts after the agent went away: quick at first, because a
// restart by the supervisor takes about a second, then every 10 s.
const RECONNECT_DELAYS_MS = [500, 1_000, 2_000, 5_000, 10_000];

/**
 * The one control connection from main to the agent, connected on demand. A connection that
 * ends because the agent stopped or restarted is dropped. While events are wanted it is opened
 * again in the background, so the renderer's status follows a restarted agent on its own.
 */
export class AgentLink {
  private current: ControlClient | undefined;
  private connecting: Promise<ControlClient> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closed = false;
  /** Kind of the last event sent to the listener, so a failed retry does not repeat `unreachable`. */
  private reported: 'reachable' | 'unreachable' | undefined;

  constructor(private readonly options: AgentLinkOptions) {}

  /** Returns the connected client, connecting and subscribing first when needed. */
  client(): Promise<ControlClient> {
    if (this.closed) {
      return Promise.reject(toArchiverError(new Error('the agent link is closed')));
    }
    if (this.current) {
      return Promise.resolve(this.current);
    }
    this.connecting ??= this.connect()
      .catch((error: unknown) => {
        const failure = toArchiverError(error);
        this.failed(failure);
        throw failure;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  /** Starts connecting in the background, so events flow before the first call. */
  start(): void {
    // client() reports the failure and schedules the next attempt itself.
    void this.client().catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.current?.close();
    this.current = undefined;
  }

  private async connect(): Promise<ControlClient> {
    const { dataDir, logger, timeoutMs } = this.options;
    const client = await connectControl({ dataDir, timeoutMs });
    if (this.closed) {
      client.close();
      throw toArchiverError(new Error('the agent link is closed'));
    }

    client.onClose((error) => this.dropped(client, error));
    const status = await client.subscribe((event) => this.options.onEvent(event));
    this.current = client;
    this.attempt = 0;
    this.reported = 'reachable';
    logger.info({ endpoint: client.endpoint, pid: status.agent.pid }, 'connected to the agent');
    this.options.onEvent({ type: 'status', status });
    return client;
  }

  private dropped(client: ControlClient, error: ArchiverError | undefined): void {
    if (this.current !== client || this.closed) {
      return;
    }
    this.current = undefined;
    const reason = error ?? toArchiverError(new Error('the connection was closed'));
    this.options.logger.warn({ code: reason.code }, 'connection to the agent lost; reconnecting');
    this.failed(reason);
  }

  private failed(error: ArchiverError): void {
    if (this.closed) {
      return;
    }
    if (this.reported !== 'unreachable') {
      this.reported = 'unreachable';
      this.options.onEvent({ type: 'unreachable', error });
    }
    this.scheduleReconnect(error);
  }

  private scheduleReconnect(error: ArchiverError): void {
    if (this.closed || this.reconnectTimer) {
      return;
    }
    const delay = RECONNECT_DELAYS_MS[Math.min(this.attempt, RECONNECT_DELAYS_MS.length - 1)]!;
    this.attempt++;
    this.options.logger.debug({ code: error.code, delayMs: delay, attempt: this.attempt }, 'agent not reachable; trying again');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.client().catch(() => undefined);
    }, delay);
    this.reconnectTimer.unref();
  }
}
