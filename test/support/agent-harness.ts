import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentConfigInput } from '../../src-agent/config/schema.js';
import { createAgent } from '../../src-agent/run/agent.js';
import type { RunResult } from '../../src-agent/run/run-types.js';
import { EnvironmentSecretStore } from '../../src-agent/secrets/secret-store.js';
import { openStateDb } from '../../src-agent/state/db.js';
import { writeSimulatorConfig, type PickupChoice } from '../../scripts/demo-config.js';
import type { TenantContent } from '../m365-sim/content/types.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../m365-sim/index.js';

export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AgentEnvironment {
  simulator: RunningSimulator;
  workDir: string;
  dataDir: string;
  targetDir: string;
  /** Runs one archive pass inside the test process. */
  runOnce(): Promise<RunResult>;
  /** Runs the CLI as its own process, the way an admin or a service manager starts it. */
  runCli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** Rewrites config.json with other settings (pickups or any top-level field). */
  reconfigure(options: { pickups?: PickupChoice[]; importFolder?: boolean; extra?: Partial<AgentConfigInput> }): Promise<void>;
  /** The .eml files in the target folder, by name. */
  archivedFiles(): Promise<string[]>;
  ledgerRows(): ReturnType<ReturnType<typeof openStateDb>['ledger']['list']>;
  close(): Promise<void>;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts a simulator with `content`, writes a config for `pickups` and returns ways to run the agent. */
export async function startAgentEnvironment(options: {
  content: TenantContent;
  pickups: PickupChoice[];
  importFolder?: boolean;
  simulator?: Omit<SimulatorOptions, 'content'>;
  targetDir?: string;
  extra?: Partial<AgentConfigInput>;
}): Promise<AgentEnvironment> {
  const simulator = await startSimulator({ ...options.simulator, content: options.content });
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'm365-agent-'));
  const dataDir = path.join(workDir, 'data');
  const targetDir = options.targetDir ?? path.join(workDir, 'archive');
  await mkdir(targetDir, { recursive: true });

  let current = { pickups: options.pickups, importFolder: options.importFolder, extra: options.extra };
  const writeConfig = () => writeSimulatorConfig({ simulator, dataDir, targetFolder: targetDir, ...current });
  await writeConfig();

  return {
    simulator,
    workDir,
    dataDir,
    targetDir,
    async runOnce() {
      const agent = await createAgent({ dataDir, secretStores: [new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: simulator.clientSecret })] });
      try {
        return await agent.runOnce();
      } finally {
        await agent.close();
      }
    },
    runCli(args, env = {}) {
      return runCli(['--data-dir', dataDir, ...args], { AZURE_CLIENT_SECRET: simulator.clientSecret, ...env });
    },
    async reconfigure(changes) {
      current = { ...current, ...changes };
      await writeConfig();
    },
    async archivedFiles() {
      return (await readdir(targetDir)).filter((name) => name.endsWith('.eml')).sort();
    },
    ledgerRows() {
      const state = openStateDb(path.join(dataDir, 'state.sqlite'));
      try {
        return state.ledger.list();
      } finally {
        state.close();
      }
    },
    async close() {
      await simulator.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** Spawns the agent CLI through tsx, as `npm run agent` does; `input` is written to its stdin. */
export function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'src-agent/cli/main.ts'), ...args], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Lists every file below `dir`, recursively; a missing folder gives an empty list. */
export async function filesBelow(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesBelow(full)));
    else if (entry.isFile()) found.push(full);
  }
  return found;
}

export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}
