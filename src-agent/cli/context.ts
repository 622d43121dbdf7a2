import { detectLanguage, type Language } from '../errors/index.js';

/** Settings every command receives from the global options. */
export interface CommandContext {
  dataDir: string;
  configFile?: string;
  language: Language;
  /** True when --lang chose the language, which then wins over the config's `language`. */
  languageFromOption: boolean;
  json: boolean;
  /** Mirror the log on stderr. */
  verbose: boolean;
}

/** Returns the context with the config's `language` applied, unless --lang set one. */
export function withConfigLanguage(context: CommandContext, configLanguage: Language | undefined): CommandContext {
  if (context.languageFromOption || configLanguage === undefined) {
    return context;
  }
  return { ...context, language: detectLanguage(configLanguage) };
}

/** Exit codes of the CLI, for scripts and monitoring. */
export const EXIT = { ok: 0, problems: 1, failed: 2 } as const;
