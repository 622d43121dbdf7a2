import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceAgentCommand } from '../src-main/supervisor/agent-command.js';
import { AgentSupervisor, type AgentExit } from '../src-main/supervisor/agent-supervisor.js';
import { REPOSITORY_ROOT, startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { folder, invoices, mailbox, tenant } from './support/small-tenant.js';

const ANNA = 'anna.schmidt@musterfirma.de';

let environment: AgentEnvironment | undefined;
const supervisors: AgentSupervisor[] = [];

afterEach(async () => {
  await Promise.all(supervisors.map((supervisor) => supervisor.stop()));
  supervisors.length = 0;
  await environment?.close();
  environment = undefined;
});

function superviseAgent(current: AgentEnvironment): AgentSupervisor {
  const command = sourceAgentCommand({ repositoryRoot: REPOSITORY_ROOT, dataDir: current.dataDir });
  const supervisor = new AgentSupervisor({
    command: { ...command, env: { AZURE_CLIENT_SECRET: current.simulator.clientSecret, LANG: 'en_US.UTF-8' } },
    backoff: { initialMs: 10, maxAttempts: 1 },
  });
  supervisors.push(supervisor);
  return supervisor;
}

function outputContaining(supervisor: AgentSupervisor, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    supervisor.on('output', ({ text: chunk }) => {
      seen += chunk;
      if (seen.includes(text)) resolve();
    });
  });
}

describe('AgentSupervisor with the real agent', () => {
  it('runs, refuses a second agent and stops', async () => {
    environment = await startAgentEnvironment({
      content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(2))])]),
      pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
    });
    const first = superviseAgent(environment);
    const firstRunDone = outputContaining(first, 'archive run finished');
    first.start();
    await firstRunDone;

    const second = superviseAgent(environment);
    const secondExited = once(second, 'exited');
    second.start();
    const [secondExit] = (await secondExited) as [AgentExit];

    expect(secondExit.code).toBe(2);
    expect(secondExit.reason).toBe('data-dir-locked');
    expect(second.state).toBe('locked');

    const firstExit = await first.stop();
    expect(firstExit?.reason).toBe('stopped');
    expect(firstExit?.code).toBe(0);
    expect(environment.simulator.state.listMessages(ANNA, 'Abholordner').every((message) => message.categories.includes('Archiviert'))).toBe(true);
  });
});
