/**
 * `npm run bench`: throughput and memory of one archive pass against the simulator without
 * added latency. The agent runs as its own process (the compiled CLI's `once --json`, as a
 * packaged agent runs), so its peak RSS is measured apart from the simulator's. Prints figures;
 * asserts nothing. `npm run bench` builds dist/ first.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBenchTenant } from '../test/m365-sim/content/demo-tenant.js';
import { buildFolderTreeTenant, FOLDER_TREE_MAILBOX } from '../test/m365-sim/content/folder-tree-tenant.js';
import { createMainServices } from '../src-main/app-services.js';
import type { TenantContent } from '../test/m365-sim/content/types.js';
import { startSimulator } from '../test/m365-sim/index.js';
import { writeSimulatorConfig } from './demo-config.js';

interface Figures {
  name: string;
  messages: number;
  bytes: number;
  seconds: number;
  peakRssMiB: number;
}

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function measure(name: string, content: TenantContent, workDir: string): Promise<Figures> {
  const simulator = await startSimulator({ content });
  try {
    const mailbox = content.mailboxes[0];
    if (!mailbox) throw new Error('bench tenant has no mailbox');
    const dataDir = path.join(workDir, `${name}-data`);
    const targetFolder = path.join(workDir, `${name}-archive`);
    await mkdir(targetFolder, { recursive: true });
    await writeSimulatorConfig({
      simulator,
      dataDir,
      targetFolder,
      pickups: [{ mailbox: mailbox.address, folderPath: mailbox.folders[0]?.displayName ?? 'Inbox', includeSubfolders: false }],
    });

    const output = await runAgent(['--data-dir', dataDir, '--json', 'once'], { AZURE_CLIENT_SECRET: simulator.clientSecret });
    const parsed = JSON.parse(output) as { result: { messagesArchived: number; bytes: number; durationMs: number }; peakRssBytes: number };
    return {
      name,
      messages: parsed.result.messagesArchived,
      bytes: parsed.result.bytes,
      seconds: parsed.result.durationMs / 1000,
      peakRssMiB: parsed.peakRssBytes / 2 ** 20,
    };
  } finally {
    await simulator.close();
  }
}

function runAgent(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repositoryRoot, 'dist/src-agent/cli/main.js'), ...args], {
      cwd: repositoryRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout.trim().split('\n').pop() ?? '') : reject(new Error(`agent exited with ${code}: ${stdout}`))));
  });
}

function print(figures: Figures): void {
  const perSecond = figures.messages === 0 ? 0 : figures.messages / figures.seconds;
  const mibPerSecond = figures.bytes === 0 ? 0 : figures.bytes / 2 ** 20 / figures.seconds;
  console.log(
    `${figures.name.padEnd(22)} ${String(figures.messages).padStart(5)} messages  ${(figures.bytes / 2 ** 20).toFixed(1).padStart(7)} MiB  ` +
      `${figures.seconds.toFixed(2).padStart(7)} s  ${perSecond.toFixed(1).padStart(8)} msg/s  ${mibPerSecond.toFixed(1).padStart(6)} MiB/s  ` +
      `peak RSS ${figures.peakRssMiB.toFixed(0)} MiB`,
  );
}

/**
 * The wizard's folder tree through main's services: a mailbox with 5,000 folders (15 at the
 * top), every Graph request delayed by a random 100 to 300 ms, and folder pages cut to 10
 * whatever `$top` requests. Prints the time until the first level is listed, an expand of a
 * second-level node right after that (the cold case: its read has just started), and expands
 * after waiting 1 s, about the time an admin takes to read the list and click.
 */
async function measureFolderTree(workDir: string): Promise<void> {
  const simulator = await startSimulator({ content: buildFolderTreeTenant({ folders: 5000, topLevel: 15 }), folderPageLimit: 10 });
  simulator.faults.add({ path: /^\/v1\.0\//, action: { kind: 'latency', ms: 100, maxMs: 300 } });
  const services = createMainServices({
    dataDir: path.join(workDir, 'folders-data'),
    preferencesFile: path.join(workDir, 'folders-preferences.json'),
    appVersion: 'bench',
    appOrigin: 'http://127.0.0.1:1',
    systemLanguages: () => ['en-US'],
    chooseFolder: async () => undefined,
    openPath: async () => {},
    agentMode: 'child',
    connectionDefaults: { endpoints: { authorityHost: simulator.authorityHost, graphEndpoint: simulator.graphEndpoint }, extraCaFile: simulator.caFile },
    env: {},
  });
  const sender = { url: 'http://127.0.0.1:1/', isTopFrame: true, fromOurWindow: true };
  type Folder = { id: string; displayName: string; childFolderCount: number };
  const list = async (parentId?: string): Promise<{ folders: Folder[]; ms: number }> => {
    const startedAt = performance.now();
    const result = await services.call('listFolders', { mailbox: FOLDER_TREE_MAILBOX, includeHidden: false, ...(parentId ? { parentId } : {}) }, sender);
    if (!result.ok) throw new Error(`listFolders failed: ${result.code} ${result.text.en.message}`);
    return { folders: (result.value as { folders: Folder[] }).folders, ms: performance.now() - startedAt };
  };

  try {
    const test = await services.call('testConnection', { registration: { tenant: simulator.tenantId, clientId: simulator.clientId, secret: simulator.clientSecret }, mailbox: FOLDER_TREE_MAILBOX }, sender);
    if (!test.ok) throw new Error(`connection test failed: ${test.code}`);

    const first = await list();
    const parents = first.folders.filter((folder) => folder.childFolderCount > 0);
    const cold = await list(parents[0]!.id);
    const second = await list(parents[1]!.id);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const afterWaitFirst = await list(parents[2]!.id);
    const afterWaitLast = await list(parents.at(-1)!.id);

    console.log(`folder tree: 5,000 folders, Graph latency 100-300 ms, folder pages of 10`);
    const line = (label: string, ms: number) => console.log(`  ${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms`);
    line(`first level (${first.folders.length} folders)`, first.ms);
    line(`expand right after it (cold, ${cold.folders.length} folders)`, cold.ms);
    line(`expand of the next node (${second.folders.length} folders)`, second.ms);
    line(`expand after 1 s, third node (${afterWaitFirst.folders.length} folders)`, afterWaitFirst.ms);
    line(`expand after 1 s, last node (${afterWaitLast.folders.length} folders)`, afterWaitLast.ms);
  } finally {
    await services.close();
    await simulator.close();
  }
}

// `node --import tsx scripts/bench.ts folders` runs only the folder tree section, which needs no build.
const only = process.argv[2];
const workDir = await mkdtemp(path.join(os.tmpdir(), 'm365-bench-'));
try {
  console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()}`);
  if (only !== 'folders') {
    // The empty folder shows the agent's own footprint (Node, tsx, modules) for the rows below.
    print(await measure('empty pickup folder', await buildBenchTenant({ smallMessages: 0 }), workDir));
    print(await measure('2000 small messages', await buildBenchTenant({ smallMessages: 2000 }), workDir));
    print(await measure('one 150 MB message', await buildBenchTenant({ smallMessages: 0, largeMessageBytes: 150 * 2 ** 20, dir: workDir }), workDir));
  }
  await measureFolderTree(workDir);
} finally {
  await rm(workDir, { recursive: true, force: true });
}
