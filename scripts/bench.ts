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

const workDir = await mkdtemp(path.join(os.tmpdir(), 'm365-bench-'));
try {
  console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()}`);
  // The empty folder shows the agent's own footprint (Node, tsx, modules) for the rows below.
  print(await measure('empty pickup folder', await buildBenchTenant({ smallMessages: 0 }), workDir));
  print(await measure('2000 small messages', await buildBenchTenant({ smallMessages: 2000 }), workDir));
  print(await measure('one 150 MB message', await buildBenchTenant({ smallMessages: 0, largeMessageBytes: 150 * 2 ** 20, dir: workDir }), workDir));
} finally {
  await rm(workDir, { recursive: true, force: true });
}
