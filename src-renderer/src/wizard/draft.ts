import type { ArgsOf, MailFolder, ValueOf } from '../../../src-main/ipc/contract.js';

/** The agent's settings as saveSettings takes them (config.json's shape, defaults optional). */
export type SettingsInput = ArgsOf<'saveSettings'>['settings'];
export type SavedSettings = NonNullable<ValueOf<'getSettings'>['settings']>;

export const DEFAULT_CATEGORY = 'Archiviert';
export const DEFAULT_INTERVAL_MINUTES = 15;

/** The values the wizard collects. `base` keeps the fields of the loaded settings that the wizard does not edit. */
export interface WizardDraft {
  tenant: string;
  clientId: string;
  /** A secret typed in this session; empty when the stored one stays in use. */
  secret: string;
  /** Expiry date (YYYY-MM-DD) typed by the admin, which the agent uses only when Entra ID cannot tell. */
  secretExpiresOn: string;
  /**
   * Expiry date (YYYY-MM-DD) read from Entra ID by the last passed connection test, or by the agent's
   * last check when saved settings are edited. The wizard shows it and never saves it.
   */
  expiryFromEntra?: string;
  mailbox?: { address: string; displayName: string };
  pickupFolder?: { id: string; path: string[] };
  includeSubfolders: boolean;
  targetFolder: string;
  category: string;
  intervalMinutes: number;
  /** HTTP proxy for both Microsoft hosts, without credentials; empty for none. */
  proxyUrl: string;
  proxyUsername: string;
  /** A proxy password typed in this session; empty when the stored one stays in use. */
  proxyPassword: string;
  /** Path of a PEM file on this server with the CA of a TLS-inspecting proxy; empty for none. */
  extraCaFile: string;
  base?: SavedSettings;
}

export function emptyDraft(): WizardDraft {
  return {
    tenant: '',
    clientId: '',
    secret: '',
    secretExpiresOn: '',
    includeSubfolders: false,
    targetFolder: '',
    category: DEFAULT_CATEGORY,
    intervalMinutes: DEFAULT_INTERVAL_MINUTES,
    proxyUrl: '',
    proxyUsername: '',
    proxyPassword: '',
    extraCaFile: '',
  };
}

/** Fills the wizard from saved settings; the wizard edits the first mailbox and keeps the others as they are. */
export function draftFromSettings(settings: SavedSettings): WizardDraft {
  const first = settings.mailboxes[0];
  return {
    tenant: settings.tenant,
    clientId: settings.clientId,
    secret: '',
    secretExpiresOn: settings.secretExpiresOn ?? '',
    mailbox: first ? { address: first.mailbox, displayName: first.mailbox } : undefined,
    pickupFolder: first ? { id: first.pickupFolderId, path: splitPath(first.pickupFolderPath, first.pickupFolderId) } : undefined,
    includeSubfolders: first?.includeSubfolders ?? false,
    targetFolder: settings.target.folder,
    category: settings.category,
    intervalMinutes: settings.intervalMinutes,
    proxyUrl: settings.proxy?.url ?? '',
    proxyUsername: settings.proxy?.username ?? '',
    proxyPassword: '',
    extraCaFile: settings.extraCaFile ?? '',
    base: settings,
  };
}

function splitPath(pickupFolderPath: string | undefined, fallback: string): string[] {
  if (!pickupFolderPath) return [fallback];
  return pickupFolderPath.split('/');
}

export function folderPathText(path: readonly string[]): string {
  return path.join(' / ');
}

export function pickupFromFolder(folder: MailFolder): { id: string; path: string[] } {
  return { id: folder.id, path: folder.path.length > 0 ? [...folder.path] : [folder.displayName] };
}

/**
 * Builds the settings to save: the loaded ones with the wizard's fields replaced. Fields the
 * wizard does not show (endpoints, certificate, further mailboxes) stay as loaded. The proxy
 * password is not part of the settings: the summary step stores it through the agent.
 */
export function settingsFromDraft(draft: WizardDraft): SettingsInput {
  if (!draft.mailbox || !draft.pickupFolder) {
    throw new Error('settingsFromDraft needs a mailbox and a pickup folder');
  }
  const base = draft.base;
  const pickup = {
    mailbox: draft.mailbox.address,
    pickupFolderId: draft.pickupFolder.id,
    pickupFolderPath: draft.pickupFolder.path.join('/'),
    includeSubfolders: draft.includeSubfolders,
  };
  const targetChanged = base?.target.folder !== draft.targetFolder.trim();
  const settings: SettingsInput = {
    ...base,
    tenant: draft.tenant.trim(),
    clientId: draft.clientId.trim(),
    mailboxes: [pickup, ...(base?.mailboxes.slice(1) ?? [])],
    // A staging folder set for another target would lie on the wrong volume, so it goes with the old target.
    target: { ...(targetChanged ? { importFolder: base?.target.importFolder ?? false } : base?.target), folder: draft.targetFolder.trim() },
    category: draft.category.trim(),
    intervalMinutes: draft.intervalMinutes,
  };
  if (draft.secretExpiresOn) settings.secretExpiresOn = draft.secretExpiresOn;
  else delete settings.secretExpiresOn;

  const proxy = proxySettingsOf(draft);
  if (proxy) settings.proxy = proxy;
  else delete settings.proxy;
  const extraCaFile = draft.extraCaFile.trim();
  if (extraCaFile) settings.extraCaFile = extraCaFile;
  else delete settings.extraCaFile;
  return settings;
}

function proxySettingsOf(draft: WizardDraft): SettingsInput['proxy'] {
  const url = draft.proxyUrl.trim();
  if (!url) return undefined;
  const username = draft.proxyUsername.trim();
  return username ? { url, username } : { url };
}

/**
 * Tells whether the wizard edits saved settings and leaves every field of the connection as saved:
 * tenant, client ID, proxy and CA, with no new secret or proxy password typed. Main then reaches
 * Graph with the saved settings and the stored secret, so no new connection test is needed.
 */
export function connectionMatchesSaved(draft: WizardDraft): boolean {
  const base = draft.base;
  if (!base) return false;
  if (draft.secret || draft.proxyPassword) return false;
  return (
    draft.tenant.trim() === base.tenant &&
    draft.clientId.trim() === base.clientId &&
    draft.proxyUrl.trim() === (base.proxy?.url ?? '') &&
    draft.proxyUsername.trim() === (base.proxy?.username ?? '') &&
    draft.extraCaFile.trim() === (base.extraCaFile ?? '')
  );
}

/** Reason the proxy URL field cannot be used: not a URL, no http(s) scheme, or credentials in it. */
export type ProxyUrlProblem = 'invalid' | 'scheme' | 'credentials';

/** Checks the proxy URL field; returns undefined when it is empty or valid. */
export function proxyUrlProblem(text: string): ProxyUrlProblem | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  // A URL without a scheme parses with the host as its scheme ("proxy:3128"), so the scheme is checked first.
  if (!/^https?:\/\//i.test(trimmed)) return 'scheme';
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return 'invalid';
  }
  if (!url.hostname) return 'invalid';
  if (url.username || url.password) return 'credentials';
  return undefined;
}

/**
 * Tells whether the proxy user needs a password typed now: a user name is set and no password is
 * stored for it, which the wizard assumes only when the saved settings have the same proxy and user.
 */
export function needsProxyPassword(draft: WizardDraft): boolean {
  const username = draft.proxyUsername.trim();
  if (!draft.proxyUrl.trim() || !username || draft.proxyPassword) return false;
  const saved = draft.base?.proxy;
  return saved?.username !== username || saved.url !== draft.proxyUrl.trim();
}

/** Tells whether the proxy and CA fields block the wizard; the first step shows which field and why. */
export function networkFieldsBlock(draft: WizardDraft): boolean {
  return proxyUrlProblem(draft.proxyUrl) !== undefined || needsProxyPassword(draft) || (draft.proxyUsername.trim() !== '' && !draft.proxyUrl.trim());
}

/** Builds the proxy and CA arguments of checkReachability and testConnection; the password goes only when typed. */
export function networkArgs(draft: WizardDraft): { proxyUrl: string; proxyUsername?: string; proxyPassword?: string; extraCaFile?: string } {
  const proxyUrl = draft.proxyUrl.trim();
  const username = draft.proxyUsername.trim();
  const extraCaFile = draft.extraCaFile.trim();
  return {
    proxyUrl,
    ...(proxyUrl && username ? { proxyUsername: username } : {}),
    ...(proxyUrl && username && draft.proxyPassword ? { proxyPassword: draft.proxyPassword } : {}),
    ...(extraCaFile ? { extraCaFile } : {}),
  };
}

/** Tells whether the agent accepts a category name: 1 to 255 characters after trimming, without a comma. */
export function isValidCategory(name: string): boolean {
  const trimmed = name.trim();
  return trimmed.length >= 1 && trimmed.length <= 255 && !trimmed.includes(',');
}

export function isValidInterval(minutes: number): boolean {
  return Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440;
}

/** Shows a mailbox as "Name <address>", or as the address alone when no other name is known. */
export function mailboxLabel(mailbox: { displayName: string; address: string }): string {
  if (!mailbox.displayName || mailbox.displayName === mailbox.address) {
    return mailbox.address;
  }
  return `${mailbox.displayName} <${mailbox.address}>`;
}
