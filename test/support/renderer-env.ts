import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMainServices, type MainServices } from '../../src-main/app-services.js';
import type { ContentFolder, TenantContent } from '../m365-sim/content/types.js';
import { startSimulator, type RunningSimulator } from '../m365-sim/index.js';
import { DENIED, smallTenant } from '../m365-sim/testing.js';
import { startAgentProcess, type AgentProcess } from './control-agent.js';

/**
 * Everything behind the renderer in its browser tests: the M365 simulator, a real agent
 * process started with `run` on an empty data directory (as after installation), and the
 * factory of the main services that the bridge calls. Only the folder dialog and "open folder"
 * are replaced, because they need a desktop: the dialog returns the test's target folder.
 */
export interface RendererBackend {
  simulator: RunningSimulator;
  agent: AgentProcess;
  workDir: string;
  dataDir: string;
  targetDir: string;
  /** Folders the app asked the system to open. */
  openedPaths: string[];
  services(origin: string): MainServices;
  /** The .eml files below the target folder. */
  archivedFiles(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startRendererBackend(options: { content?: TenantContent; systemLanguages: readonly string[] }): Promise<RendererBackend> {
  const simulator = await startSimulator({ content: options.content ?? smallTenant(), accessDeniedMailboxes: [DENIED] });
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'renderer-e2e-'));
  const dataDir = path.join(workDir, 'data');
  const targetDir = path.join(workDir, 'archive');
  await mkdir(dataDir, { recursive: true });
  await mkdir(targetDir, { recursive: true });

  // The secret reaches the agent only through the wizard's storeSecret, never through the environment.
  const agent = startAgentProcess(dataDir, { AZURE_CLIENT_SECRET: '' });
  await agent.waitForOutput('"agent started"');
  const openedPaths: string[] = [];
  const endpoints = { authorityHost: simulator.authorityHost, graphEndpoint: simulator.graphEndpoint };
  const env = { ...process.env };
  delete env.AZURE_CLIENT_SECRET;

  return {
    simulator,
    agent,
    workDir,
    dataDir,
    targetDir,
    openedPaths,
    services: (origin) =>
      createMainServices({
        dataDir,
        preferencesFile: path.join(workDir, 'preferences.json'),
        appVersion: '0.1.0-test',
        appOrigin: origin,
        systemLanguages: () => options.systemLanguages,
        chooseFolder: async () => targetDir,
        openPath: async (folder) => void openedPaths.push(folder),
        agentMode: 'child',
        connectionDefaults: { endpoints, extraCaFile: simulator.caFile },
        env,
      }),
    async archivedFiles() {
      const found: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) await walk(full);
          else if (entry.name.endsWith('.eml')) found.push(full);
        }
      };
      await walk(targetDir);
      return found;
    },
    async close() {
      await agent.stop();
      await simulator.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** Adds a mailbox whose top-level folder "Kunden" has `count` child folders, all empty. */
export function wideFolderTenant(base: TenantContent, address: string, count: number): TenantContent {
  const customers: ContentFolder[] = Array.from({ length: count }, (_, index) => ({ displayName: `Kunde ${String(index + 1).padStart(4, '0')}`, children: [], messages: [] }));
  const mailbox = {
    address,
    displayName: 'Ablage Kunden',
    id: '55555555-6666-4777-8888-999999999999',
    hasMailbox: true,
    folders: [
      { displayName: 'Inbox', wellKnownName: 'inbox', children: [], messages: [] },
      { displayName: 'Kunden', children: customers, messages: [] },
    ] satisfies ContentFolder[],
  };
  return { ...base, mailboxes: [...base.mailboxes, mailbox] };
}
