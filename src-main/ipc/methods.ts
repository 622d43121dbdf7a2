/**
 * Names of the methods and events of the IPC contract, without their schemas. The preload
 * imports only this file, so its bundle stays free of zod and of the agent's library.
 * contract.ts defines a schema for every name here, and a type check there fails when the
 * two lists differ.
 */
export const IPC_METHOD_NAMES = [
  'getAppInfo',
  'setLanguage',
  'checkReachability',
  'testConnection',
  'searchUsers',
  'listFolders',
  'searchFolders',
  'chooseTargetFolder',
  'testTarget',
  'getSettings',
  'saveSettings',
  'getSecretStatus',
  'storeSecret',
  'getStatus',
  'getHistory',
  'runNow',
  'pause',
  'resume',
  'openLogFolder',
] as const;

export type IpcMethodName = (typeof IPC_METHOD_NAMES)[number];

/** Events main sends to the renderer without being asked. */
export const IPC_EVENT_NAMES = ['status', 'progress'] as const;

export type IpcEventName = (typeof IPC_EVENT_NAMES)[number];

/** Prefix of every Electron IPC channel of the contract: `archiver:<method>` and `archiver:event:<event>`. */
export const IPC_CHANNEL_PREFIX = 'archiver:';

export function methodChannel(name: IpcMethodName): string {
  return `${IPC_CHANNEL_PREFIX}${name}`;
}

export function eventChannel(name: IpcEventName): string {
  return `${IPC_CHANNEL_PREFIX}event:${name}`;
}
