import { agentPaths } from '../../../src-agent/config/paths.js';
import type { Logger } from '../../../src-agent/log/logger.js';
import { languageFromSystem, readPreferences, writePreferences } from '../../services/preferences.js';
import type { IpcHandlers } from './types.js';

export interface AppHandlerOptions {
  dataDir: string;
  preferencesFile: string;
  appVersion: string;
  systemLanguages: () => readonly string[];
  chooseFolder: (defaultPath?: string) => Promise<string | undefined>;
  openPath: (folder: string) => Promise<void>;
  logger: Logger;
}

/** The handlers that concern the app itself: version, UI language, folder dialog, log folder. */
export function createAppHandlers(options: AppHandlerOptions): Pick<IpcHandlers, 'getAppInfo' | 'setLanguage' | 'chooseTargetFolder' | 'openLogFolder'> {
  return {
    async getAppInfo() {
      const systemLanguages = [...options.systemLanguages()];
      const saved = (await readPreferences(options.preferencesFile)).language;
      return {
        version: options.appVersion,
        platform: process.platform,
        language: saved ?? languageFromSystem(systemLanguages),
        languageSaved: saved !== undefined,
        systemLanguages,
      };
    },

    async setLanguage({ language }) {
      const preferences = await readPreferences(options.preferencesFile);
      await writePreferences(options.preferencesFile, { ...preferences, language });
      options.logger.info({ language }, 'UI language saved');
      return { language };
    },

    async chooseTargetFolder(args) {
      const folder = await options.chooseFolder(args?.defaultPath);
      return folder === undefined ? {} : { path: folder };
    },

    async openLogFolder() {
      const folder = agentPaths(options.dataDir).logDir;
      await options.openPath(folder);
      return { folder };
    },
  };
}
