import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectControl, type ControlClient } from '../src-agent/control/client.js';
import { DEFAULT_OPERATORS_GROUP, findGroupId } from '../src-agent/control/access.js';
import { controlEndpoint } from '../src-agent/control/endpoint.js';
import { computeProof, createNonce } from '../src-agent/control/handshake.js';
import { MAX_LINE_BYTES, PROTOCOL_VERSION, RPC_ERROR } from '../src-agent/control/protocol.js';
import { controlTokenFile, parseToken } from '../src-agent/control/token.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import { startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { connectWhenStarted, startAgentProcess, type AgentProcess } from './support/control-agent.js';
import { folder, invoices, mailbox, tenant } from './support/small-tenant.js';

const ANNA = 'anna.schmidt@musterfirma.de';
const defaultGroupExists = (await findGroupId(DEFAULT_OPERATORS_GROUP)) !== undefined;
if (defaultGroupExists) {
  console.log(`control-protocol: "missing operators group logged" skipped, because the group ${DEFAULT_OPERATORS_GROUP} exists on this machine`);
}

let environment: AgentEnvironment;
let agent: AgentProcess;
let client: ControlClient;
let endpoint: string;
let token: Buffer;

// One agent serves every test here; the tests only read from it or talk nonsense to it.
beforeAll(async () => {
  environment = await startAgentEnvironment({
    content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(1))])]),
    pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
  });
  agent = startAgentProcess(environment.dataDir, { AZURE_CLIENT_SECRET: environment.simulator.clientSecret });
  client = await connectWhenStarted(agent, environment.dataDir);
  endpoint = controlEndpoint(environment.dataDir);
  token = parseToken(await readFile(controlTokenFile(environment.dataDir), 'utf8'))!;
});

afterAll(async () => {
  client?.close();
  await agent?.stop();
  await environment?.close();
});

interface RawMessage {
  id?: number | string | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: { code: string; details: Record<string, unknown> } };
}

/** A socket that speaks the protocol by hand, to send what the typed client never would. */
class RawConnection {
  private buffer = '';
  private readonly received: RawMessage[] = [];
  private waiting: ((message: RawMessage) => void) | undefined;
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let index;
      while ((index = this.buffer.indexOf('\n')) !== -1) {
        const message = JSON.parse(this.buffer.slice(0, index)) as RawMessage;
        this.buffer = this.buffer.slice(index + 1);
        if (this.waiting) {
          const resolve = this.waiting;
          this.waiting = undefined;
          resolve(message);
        } else {
          this.received.push(message);
        }
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static open(target: string): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(target, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  send(text: string): void {
    this.socket.write(text);
  }

  next(): Promise<RawMessage> {
    const earlier = this.received.shift();
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async request(id: number, method: string, params?: unknown): Promise<RawMessage> {
    this.send(`${JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) })}\n`);
    return this.next();
  }

  /** Runs the handshake with `key`; returns the agent's response to `authenticate`. */
  async authenticate(key: Buffer): Promise<RawMessage> {
    const clientNonce = createNonce();
    const hello = await this.request(1, 'hello', { protocolVersion: PROTOCOL_VERSION, clientNonce });
    const serverNonce = String(hello.result?.serverNonce);
    return this.request(2, 'authenticate', { clientProof: computeProof(key, 'client', clientNonce, serverNonce) });
  }
}

async function rejection(promise: Promise<unknown>): Promise<ArchiverError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ArchiverError);
  return error as ArchiverError;
}

describe('control channel access', () => {
  it('token file and socket modes', async () => {
    const tokenMode = (await stat(controlTokenFile(environment.dataDir))).mode & 0o777;
    const socketStats = await stat(endpoint);

    expect(tokenMode).toBe(0o640);
    expect(socketStats.isSocket()).toBe(true);
    expect(socketStats.mode & 0o777).toBe(0o660);
    expect(endpoint).toBe(path.join(environment.dataDir, 'control.sock'));
  });

  it.skipIf(defaultGroupExists)('missing operators group logged', () => {
    expect(agent.output()).toContain(`"group":"${DEFAULT_OPERATORS_GROUP}"`);
    expect(agent.output()).toContain('operators group not found');
  });

  if (process.getuid?.() !== 0) {
    console.log('control-protocol: "operators group owns socket and token" skipped, because changing a file\'s group needs root');
  }
  it.skipIf(process.getuid?.() !== 0)('operators group owns socket and token', async () => {
    // Any group other than the agent's own will do; "adm" and "daemon" exist on Debian and Ubuntu.
    const group = (await findGroupId('adm')) !== undefined ? 'adm' : 'daemon';
    const groupId = await findGroupId(group);
    const other = await startAgentEnvironment({
      content: tenant([mailbox(ANNA, [folder('Abholordner', [])])]),
      pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
    });
    const grouped = startAgentProcess(other.dataDir, { AZURE_CLIENT_SECRET: other.simulator.clientSecret, M365_ARCHIVER_OPERATORS_GROUP: group });
    try {
      await grouped.waitForOutput('"agent started"');

      expect(groupId).toBeDefined();
      expect((await stat(controlEndpoint(other.dataDir))).gid).toBe(groupId);
      expect((await stat(controlTokenFile(other.dataDir))).gid).toBe(groupId);
      expect(grouped.output()).not.toContain('operators group not found');
    } finally {
      await grouped.stop();
      await other.close();
    }
  });

  it('wrong token refused', async () => {
    const error = await rejection(connectControl({ endpoint, token: randomBytes(32), timeoutMs: 5_000 }));

    expect(error.code).toBe('CONTROL_AUTH_FAILED');
    expect(error.localize('de').message).toContain('hat das Steuerungs-Token abgelehnt');
    await agent.waitForOutput('control connection rejected');
    expect(agent.output()).toContain('"reason":"wrong token"');
  });

  it('request without handshake refused', async () => {
    const raw = await RawConnection.open(endpoint);

    const answer = await raw.request(7, 'status');
    await raw.closed;

    expect(answer.id).toBe(7);
    expect(answer.result).toBeUndefined();
    expect(answer.error?.code).toBe(RPC_ERROR.authFailed);
    expect(answer.error?.data?.code).toBe('CONTROL_AUTH_FAILED');
  });

  it('wrong proof gets no server proof', async () => {
    const raw = await RawConnection.open(endpoint);

    const answer = await raw.authenticate(randomBytes(32));
    await raw.closed;

    expect(answer.result).toBeUndefined();
    expect(answer.error?.code).toBe(RPC_ERROR.authFailed);
  });

  it('right token gets the server proof', async () => {
    const raw = await RawConnection.open(endpoint);

    const answer = await raw.authenticate(token);
    const status = await raw.request(3, 'status');
    raw.socket.destroy();

    expect(answer.result?.serverProof).toMatch(/^[0-9a-f]{64}$/);
    expect(status.result?.state).toBeTypeOf('string');
  });

  it('agent still serves after refusals', async () => {
    const status = await client.status();
    expect(status.configured).toBe(true);
  });
});

describe('control channel messages', () => {
  it('malformed JSON gets a parse error', async () => {
    const raw = await RawConnection.open(endpoint);
    await raw.authenticate(token);

    raw.send('{"jsonrpc": "2.0", "id": 3, "method": \n');
    const answer = await raw.next();
    const after = await raw.request(4, 'status');
    raw.socket.destroy();

    expect(answer.id).toBeNull();
    expect(answer.error?.code).toBe(RPC_ERROR.parseError);
    expect(after.result?.configured).toBe(true);
  });

  it('non-request gets invalid request', async () => {
    const raw = await RawConnection.open(endpoint);
    await raw.authenticate(token);

    raw.send(`${JSON.stringify({ jsonrpc: '1.0', id: 5, method: 'status' })}\n`);
    const answer = await raw.next();
    raw.socket.destroy();

    expect(answer.id).toBe(5);
    expect(answer.error?.code).toBe(RPC_ERROR.invalidRequest);
  });

  it('unknown method', async () => {
    const raw = await RawConnection.open(endpoint);
    await raw.authenticate(token);

    const answer = await raw.request(6, 'deleteArchive');
    raw.socket.destroy();

    expect(answer.error?.code).toBe(RPC_ERROR.methodNotFound);
    expect(answer.error?.message).toContain('deleteArchive');
  });

  it('invalid params name the field, not the value', async () => {
    const raw = await RawConnection.open(endpoint);
    await raw.authenticate(token);

    const answer = await raw.request(8, 'setSecret', { kind: 'client-secret', value: 12345678, extra: 'Zusatz-Geheim' });
    raw.socket.destroy();

    expect(answer.error?.code).toBe(RPC_ERROR.invalidParams);
    expect(answer.error?.data?.code).toBe('CONTROL_PROTOCOL_ERROR');
    expect(answer.error?.message).toContain('value');
    expect(answer.error?.message).not.toContain('12345678');
    expect(answer.error?.message).not.toContain('Zusatz-Geheim');
  });

  it('oversized line closes the connection', async () => {
    const raw = await RawConnection.open(endpoint);
    await raw.authenticate(token);

    raw.send(`{"jsonrpc":"2.0","id":9,"method":"status","params":{"pad":"${'x'.repeat(MAX_LINE_BYTES)}"}}\n`);
    const answer = await raw.next();
    await raw.closed;

    expect(answer.error?.code).toBe(RPC_ERROR.invalidRequest);
    expect(answer.error?.message).toContain(`longer than ${MAX_LINE_BYTES} bytes`);
    expect((await client.status()).configured).toBe(true);
  });

  it('unsupported protocol version', async () => {
    const raw = await RawConnection.open(endpoint);

    const answer = await raw.request(1, 'hello', { protocolVersion: 99, clientNonce: createNonce() });
    await raw.closed;

    expect(answer.error?.code).toBe(RPC_ERROR.invalidRequest);
    expect(answer.error?.message).toContain('protocol version 99');
  });
});

describe('control client against other listeners', () => {
  it('impostor learns nothing', async () => {
    const folderForImpostor = await mkdtemp(path.join(os.tmpdir(), 'impostor-'));
    const impostorEndpoint = path.join(folderForImpostor, 'control.sock');
    const received: Array<Record<string, unknown>> = [];
    // A listener that took the endpoint but does not have the token: it responds to the
    // handshake with a nonce and a proof made with a key of its own.
    const impostor = net.createServer((socket) => {
      let buffer = '';
      socket.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let index;
        while ((index = buffer.indexOf('\n')) !== -1) {
          const message = JSON.parse(buffer.slice(0, index)) as { id: number; method: string };
          buffer = buffer.slice(index + 1);
          received.push(message);
          const result = message.method === 'hello' ? { protocolVersion: PROTOCOL_VERSION, serverNonce: createNonce() } : { serverProof: randomBytes(32).toString('hex') };
          socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: message.id, result })}\n`);
        }
      });
    });
    await new Promise<void>((resolve) => impostor.listen(impostorEndpoint, resolve));
    try {
      const error = await rejection(connectControl({ endpoint: impostorEndpoint, token, timeoutMs: 5_000 }));

      expect(error.code).toBe('CONTROL_IMPOSTOR');
      expect(received.map((message) => message.method)).toEqual(['hello', 'authenticate']);
      const text = JSON.stringify(received);
      expect(text).not.toContain(token.toString('hex'));
      expect(text).not.toContain('"status"');
    } finally {
      await new Promise<void>((resolve) => impostor.close(() => resolve()));
      await rm(folderForImpostor, { recursive: true, force: true });
    }
  });

  it('silent listener times out', async () => {
    const folderForSilent = await mkdtemp(path.join(os.tmpdir(), 'silent-'));
    const silentEndpoint = path.join(folderForSilent, 'control.sock');
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(silentEndpoint, resolve));
    try {
      const error = await rejection(connectControl({ endpoint: silentEndpoint, token, timeoutMs: 300 }));

      expect(error.code).toBe('CONTROL_TIMEOUT');
      expect(error.details.ms).toBe(300);
    } finally {
      silent.close();
      await rm(folderForSilent, { recursive: true, force: true });
    }
  });

  it('no agent running', async () => {
    const emptyDataDir = await mkdtemp(path.join(os.tmpdir(), 'no-agent-'));
    try {
      const error = await rejection(connectControl({ dataDir: emptyDataDir, token, timeoutMs: 2_000 }));

      expect(error.code).toBe('CONTROL_AGENT_NOT_RUNNING');
      expect(error.details.problem).toBe('ENOENT');
      expect(error.details.endpoint).toBe(path.join(emptyDataDir, 'control.sock'));
    } finally {
      await rm(emptyDataDir, { recursive: true, force: true });
    }
  });

  it('unreadable token file', async () => {
    const emptyDataDir = await mkdtemp(path.join(os.tmpdir(), 'no-token-'));
    try {
      const error = await rejection(connectControl({ dataDir: emptyDataDir, endpoint, timeoutMs: 2_000 }));

      expect(error.code).toBe('CONTROL_TOKEN_UNREADABLE');
      expect(error.details.path).toBe(path.join(emptyDataDir, 'control.token'));
    } finally {
      await rm(emptyDataDir, { recursive: true, force: true });
    }
  });
});
