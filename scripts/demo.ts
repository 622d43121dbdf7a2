/**
 * `npm run demo [target-folder]`: starts the simulator with the built-in demo tenant, runs one
 * archive pass into ./demo-archive (or the folder given) and prints a summary. The agent's data
 * directory is ./.demo-data for the default folder and ./.demo-data/<folder>-<hash> for any
 * other, so a second run into the same folder finds every message in the ledger and adds no
 * file, while a new folder starts with an empty ledger.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes, formatRunResult } from '../src-agent/cli/output.js';
import { detectLanguage } from '../src-agent/errors/index.js';
import { createAgent } from '../src-agent/run/agent.js';
import { EnvironmentSecretStore } from '../src-agent/secrets/secret-store.js';
import { buildDemoTenant, DEMO_PICKUP } from '../test/m365-sim/content/demo-tenant.js';
import { startSimulator } from '../test/m365-sim/index.js';
import { writeSimulatorConfig } from './demo-config.js';

const targetFolder = path.resolve(process.argv[2] ?? 'demo-archive');
const dataDir = path.resolve(process.env.M365_ARCHIVER_DATA_DIR ?? demoDataDir(targetFolder));
const language = detectLanguage();

function demoDataDir(target: string): string {
  if (target === path.resolve('demo-archive')) {
    return '.demo-data';
  }
  const hash = createHash('sha256').update(target).digest('hex').slice(0, 8);
  return path.join('.demo-data', `${path.basename(target)}-${hash}`);
}

const simulator = await startSimulator({ content: buildDemoTenant() });
try {
  await mkdir(targetFolder, { recursive: true });
  await writeSimulatorConfig({ simulator, dataDir, targetFolder, pickups: DEMO_PICKUP });

  // The secret reaches the agent the way a shell user would hand it over: AZURE_CLIENT_SECRET.
  const agent = await createAgent({
    dataDir,
    secretStores: [new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: simulator.clientSecret })],
  });
  try {
    const started = performance.now();
    const result = await agent.runOnce();
    const seconds = (performance.now() - started) / 1000;

    console.log(formatRunResult(result, language));
    console.log('');
    console.log(language === 'de' ? 'Zusammenfassung der Demo' : 'Demo summary');
    console.log(`  ${language === 'de' ? 'Nachrichten archiviert' : 'messages archived'}: ${result.messagesArchived}`);
    console.log(`  ${language === 'de' ? 'Nachrichten markiert' : 'messages marked'}: ${result.messagesMarked}`);
    console.log(`  ${language === 'de' ? 'bereits archiviert' : 'already archived'}: ${result.alreadyArchived}`);
    console.log(`  bytes: ${result.bytes} (${formatBytes(result.bytes, language)})`);
    console.log(`  ${language === 'de' ? 'Sekunden' : 'seconds'}: ${seconds.toFixed(1)}`);
    console.log(`  ${language === 'de' ? 'übersprungen' : 'skipped'}: ${result.itemFailures.length}`);
    for (const failure of result.itemFailures) {
      console.log(`    ${failure.mailbox} "${failure.subject ?? failure.messageId}": ${failure.code} ${failure.message}`);
    }
    console.log(`  ${language === 'de' ? 'Archivordner' : 'archive folder'}: ${targetFolder}`);
    console.log(`  ${language === 'de' ? 'Datenverzeichnis' : 'data directory'}: ${dataDir}`);
    process.exitCode = result.status === 'failed' ? 2 : 0;
  } finally {
    await agent.close();
  }
} finally {
  await simulator.close();
}
