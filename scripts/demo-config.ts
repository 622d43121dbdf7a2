import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentConfigInput } from '../src-agent/config/schema.js';
import type { RunningSimulator } from '../test/m365-sim/index.js';

export interface PickupChoice {
  mailbox: string;
  folderPath: string;
  includeSubfolders: boolean;
  /** Folder ID to configure as it is, for a mailbox the simulator cannot look up (a user without mailbox). */
  pickupFolderId?: string;
}

/** Writes a config.json that points the agent at a running simulator, the way an admin points it at a tenant. */
export async function writeSimulatorConfig(options: {
  simulator: RunningSimulator;
  dataDir: string;
  targetFolder: string;
  pickups: PickupChoice[];
  importFolder?: boolean;
  extra?: Partial<AgentConfigInput>;
}): Promise<string> {
  const { simulator } = options;
  const config: AgentConfigInput = {
    tenant: simulator.tenantDomain,
    clientId: simulator.clientId,
    endpoints: { authorityHost: simulator.authorityHost, graphEndpoint: simulator.graphEndpoint },
    extraCaFile: simulator.caFile,
    mailboxes: options.pickups.map((pickup) => ({
      mailbox: pickup.mailbox,
      pickupFolderId: pickup.pickupFolderId ?? simulator.state.folderId(pickup.mailbox, pickup.folderPath),
      pickupFolderPath: pickup.folderPath,
      includeSubfolders: pickup.includeSubfolders,
    })),
    target: { folder: path.resolve(options.targetFolder), importFolder: options.importFolder ?? false },
    category: 'Archiviert',
    ...options.extra,
  };
  await mkdir(options.dataDir, { recursive: true });
  const file = path.join(options.dataDir, 'config.json');
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}
