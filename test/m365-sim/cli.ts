/**
 * `npm run sim`: starts the M365 simulator on 127.0.0.1 with the demo tenant or a tree of .eml
 * files and prints what an agent needs to connect: endpoints, tenant, app credentials, the CA
 * file, pickup folder IDs and a config.json snippet. Runs until SIGINT or SIGTERM.
 *
 *   npm run sim
 *   npm run sim -- --eml-dir ./mail --pickup-folder "Archiv/Abholordner" --port 8443
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DATA_DIR_VARIABLE } from '../../src-agent/config/paths.js';
import type { AgentConfigInput } from '../../src-agent/config/schema.js';
import { CONNECTION_VARIABLES } from '../../src-main/services/connection-defaults.js';
import { buildDemoTenant, DEMO_PICKUP, type DemoPickup } from './content/demo-tenant.js';
import { loadEmlTree } from './content/eml-tree.js';
import { findFolder, listFolders } from './content/folder-names.js';
import type { ContentMailbox, TenantContent } from './content/types.js';
import { startSimulator } from './index.js';
import type { RunningSimulator } from './types.js';

interface CliOptions {
  emlDir?: string;
  port: number;
  tokenLifetime?: number;
  pickupFolder?: string;
  target: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('must be a whole number from 0 to 65535');
  return port;
}

function parsePositiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1) throw new InvalidArgumentError('must be a whole number of seconds, at least 1');
  return seconds;
}

function parseOptions(argv: string[]): CliOptions {
  const program = new Command('npm run sim --')
    .description('Starts the local Microsoft 365 simulator (Entra ID token endpoint and Graph mail API over HTTPS on 127.0.0.1).')
    .option('--eml-dir <dir>', 'serve this tree of .eml files (one directory per mailbox) instead of the demo tenant')
    .option('--port <port>', 'TCP port to listen on; 0 picks a free port', parsePort, 0)
    .option('--token-lifetime <seconds>', 'lifetime of issued access tokens in seconds (Entra ID: 3600 to 5400)', parsePositiveSeconds)
    .option('--pickup-folder <path>', 'with --eml-dir: pickup folder path in every mailbox, names separated by "/" and a "/" in a name written %2F (default: the inbox)')
    .option('--target <dir>', 'archive target folder written into the printed agent config', 'sim-archive')
    .showHelpAfterError();
  program.parse(argv);
  return program.opts<CliOptions>();
}

/**
 * Chooses the folders the printed config archives: the demo's pickup folders, or for an .eml tree the
 * `--pickup-folder` path (or the inbox) of every mailbox that has it.
 */
function choosePickups(content: TenantContent, options: CliOptions): DemoPickup[] {
  if (!options.emlDir) return DEMO_PICKUP;

  return content.mailboxes.flatMap((mailbox) => {
    const folderPath = options.pickupFolder ?? inboxPath(mailbox);
    if (!mailbox.hasMailbox || !folderPath || !findFolder(mailbox, folderPath)) return [];
    return [{ mailbox: mailbox.address, folderPath, includeSubfolders: true }];
  });
}

function inboxPath(mailbox: ContentMailbox): string | undefined {
  return listFolders(mailbox.folders).find((entry) => entry.folder.wellKnownName === 'inbox')?.path;
}

function agentConfig(simulator: RunningSimulator, pickups: DemoPickup[], target: string): AgentConfigInput {
  return {
    tenant: simulator.tenantDomain,
    clientId: simulator.clientId,
    endpoints: { authorityHost: simulator.authorityHost, graphEndpoint: simulator.graphEndpoint },
    extraCaFile: simulator.caFile,
    mailboxes: pickups.map((pickup) => ({
      mailbox: pickup.mailbox,
      pickupFolderId: simulator.state.folderId(pickup.mailbox, pickup.folderPath),
      pickupFolderPath: pickup.folderPath,
      includeSubfolders: pickup.includeSubfolders,
    })),
    target: { folder: path.resolve(target) },
    category: 'Archiviert',
  };
}

function describeMailbox(mailbox: ContentMailbox, pickups: DemoPickup[], simulator: RunningSimulator): string {
  const address = mailbox.address.padEnd(32);
  if (!mailbox.hasMailbox) return `  ${address} no Exchange Online mailbox (Graph answers MailboxNotEnabledForRESTAPI)`;

  const messageCount = listFolders(mailbox.folders).reduce((sum, entry) => sum + entry.folder.messages.length, 0);
  const pickup = pickups.find((candidate) => candidate.mailbox === mailbox.address);
  if (!pickup) return `  ${address} ${messageCount} messages, no pickup folder`;

  const scope = pickup.includeSubfolders ? ' with subfolders' : '';
  return `  ${address} ${messageCount} messages, pickup "${pickup.folderPath}"${scope}: ${simulator.state.folderId(pickup.mailbox, pickup.folderPath)}`;
}

function printSummary(simulator: RunningSimulator, content: TenantContent, pickups: DemoPickup[], options: CliOptions): void {
  const source = options.emlDir ? `.eml tree ${path.resolve(options.emlDir)}` : 'demo tenant';
  // The simulator's own app secret is printed on purpose: it is a test credential of a local
  // test double, and the developer needs it to start an agent against it.
  const lines = [
    `M365 simulator running (${source})`,
    `  Authority host   ${simulator.authorityHost}`,
    `  Graph endpoint   ${simulator.graphEndpoint}`,
    `  Tenant           ${simulator.tenantDomain} (tenant ID ${simulator.tenantId})`,
    `  Client ID        ${simulator.clientId}`,
    `  Client secret    ${simulator.clientSecret}`,
    `  CA file          ${simulator.caFile}`,
    '',
    'Mailboxes',
    ...content.mailboxes.map((mailbox) => describeMailbox(mailbox, pickups, simulator)),
    '',
  ];
  if (pickups.length === 0) {
    lines.push('No mailbox has the pickup folder, so the agent config below lists none; pass --pickup-folder with an existing path.', '');
  }
  lines.push(
    'Agent config (config.json in the agent data directory; hand the secret over as AZURE_CLIENT_SECRET):',
    JSON.stringify(agentConfig(simulator, pickups, options.target), null, 2),
    '',
    'Desktop app (set these before `npx electron .`, then enter tenant, client ID and secret in the wizard):',
    `  export ${CONNECTION_VARIABLES.authorityHost}=${simulator.authorityHost}`,
    `  export ${CONNECTION_VARIABLES.graphEndpoint}=${simulator.graphEndpoint}`,
    `  export ${CONNECTION_VARIABLES.extraCaFile}=${simulator.caFile}`,
    `  export ${DATA_DIR_VARIABLE}="$PWD/.sim-app-data"`,
    '',
    'Press Ctrl+C to stop.',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

function stopOnSignals(simulator: RunningSimulator): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stdout.write(`Received ${signal}, stopping the simulator.\n`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Stopping the simulator failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv);
  const content = options.emlDir ? await loadEmlTree(options.emlDir) : buildDemoTenant();
  const simulator = await startSimulator({
    content,
    host: '127.0.0.1',
    port: options.port,
    ...(options.tokenLifetime === undefined ? {} : { tokenLifetimeSeconds: options.tokenLifetime }),
  });

  stopOnSignals(simulator);
  printSummary(simulator, content, choosePickups(content, options), options);
}

main().catch((error: unknown) => {
  process.stderr.write(`Error: ${(error as Error).message}\n`);
  process.exit(1);
});
