import type { Language } from '../errors/index.js';

/** Settings every command receives from the global options. */
export interface CommandContext {
  dataDir: string;
  configFile?: string;
  language: Language;
  json: boolean;
}

/** Exit codes of the CLI, for scripts and monitoring. */
export const EXIT = { ok: 0, problems: 1, failed: 2 } as const;
