import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { controlEndpoint } from '../src-agent/control/endpoint.js';
import { ensureControlToken } from '../src-agent/control/token.js';
import { silentLogger } from '../src-agent/log/logger.js';
import { appAgentCommand, COMPILED_AGENT_ENTRY, linkAgent, probeAgent } from '../src-main/electron/agent-start.js';
import { connectWhenStarted, startAgentProcess, type AgentProcess } from './support/control-agent.js';

const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'agent-start-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('probeAgent', () => {
  it('finds no agent in an empty data directory', async () => {
    const dataDir = await tempDataDir();

    expect(await probeAgent(dataDir)).toEqual({ probe: 'absent', code: 'CONTROL_AGENT_NOT_RUNNING' });
  });

  async function listenWithoutProtocol(dataDir: string): Promise<void> {
    // Replies to every line with something that is not JSON-RPC, as a foreign program on the socket would.
    const server = net.createServer((socket) => socket.on('data', () => socket.write('hello there\n')));
    server.listen(controlEndpoint(dataDir));
    await once(server, 'listening');
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  }

  it('takes a listener that fails the handshake as occupied', async () => {
    const dataDir = await tempDataDir();
    await ensureControlToken(dataDir, { logger: silentLogger() });
    await listenWithoutProtocol(dataDir);

    expect(await probeAgent(dataDir, 2_000)).toEqual({ probe: 'occupied', code: 'CONTROL_PROTOCOL_ERROR' });
  });

  it('takes a listener whose token is unreadable as occupied', async () => {
    // As for a service whose token file this account may not read; here the file is missing.
    const dataDir = await tempDataDir();
    await listenWithoutProtocol(dataDir);

    expect(await probeAgent(dataDir, 2_000)).toEqual({ probe: 'occupied', code: 'CONTROL_TOKEN_UNREADABLE' });
  });
});

describe('linkAgent', () => {
  it('uses an agent that already runs and leaves it running', async () => {
    const dataDir = await tempDataDir();
    const agent: AgentProcess = startAgentProcess(dataDir, {});
    cleanups.push(() => agent.stop());
    (await connectWhenStarted(agent, dataDir)).close();

    const link = await linkAgent({ dataDir, command: { command: '/nonexistent/agent', args: [] } });
    await link.stop();

    expect(link.mode).toBe('service');
    expect(link.supervisor).toBeUndefined();
    expect(agent.child.exitCode).toBeNull();
    expect((await probeAgent(dataDir)).probe).toBe('answers');
  });

  it('starts its own agent when none answers', async () => {
    const dataDir = await tempDataDir();
    const command = appAgentCommand({ packaged: false, appPath: path.resolve('.'), execPath: process.execPath, dataDir });

    const link = await linkAgent({ dataDir, command });
    cleanups.push(() => link.stop());
    expect(link.mode).toBe('child');
    const supervisor = link.supervisor;
    expect(supervisor?.state).toBe('running');

    let output = '';
    await new Promise<void>((resolve) =>
      supervisor?.on('output', ({ text }) => {
        output += text;
        if (output.includes('"agent started"')) resolve();
      }),
    );
    expect((await probeAgent(dataDir)).probe).toBe('answers');

    await link.stop();
    expect(supervisor?.state).toBe('stopped');
    expect((await probeAgent(dataDir)).probe).toBe('absent');
  });
});

describe('appAgentCommand', () => {
  it('runs the compiled agent on the Electron binary when packaged', () => {
    const command = appAgentCommand({ packaged: true, appPath: '/opt/archiver/resources/app.asar', execPath: '/opt/archiver/m365-mail-archiver', dataDir: '/var/lib/m365-mail-archiver' });

    expect(command.command).toBe('/opt/archiver/m365-mail-archiver');
    expect(command.args).toEqual([path.join('/opt/archiver/resources/app.asar', ...COMPILED_AGENT_ENTRY), '--data-dir', '/var/lib/m365-mail-archiver', 'run']);
    expect(command.env).toEqual({ ELECTRON_RUN_AS_NODE: '1' });
  });

  it('runs the TypeScript agent through tsx from a checkout', () => {
    const command = appAgentCommand({ packaged: false, appPath: '/src/archiver', execPath: '/src/archiver/node_modules/electron/dist/electron', dataDir: '/tmp/data' });

    expect(command.command).toBe('/src/archiver/node_modules/electron/dist/electron');
    expect(command.args).toEqual(['--import', 'tsx', path.join('/src/archiver', 'src-agent', 'cli', 'main.ts'), '--data-dir', '/tmp/data', 'run']);
    expect(command.env).toEqual({ ELECTRON_RUN_AS_NODE: '1' });
    expect(command.cwd).toBe('/src/archiver');
  });
});
