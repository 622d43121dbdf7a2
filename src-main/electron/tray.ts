import { Menu, nativeImage, nativeTheme, Tray, type MenuItemConstructorOptions } from 'electron';
import type { Language } from '../../src-agent/errors/index.js';
import type { Logger } from '../../src-agent/log/logger.js';
import type { StatusResult } from '../ipc/contract.js';
import { chooseTaskbarTheme, readWindowsTaskbarTheme, trayIconFile, type TaskbarTheme } from '../tray/tray-icons.js';
import { trayMenuModel, type TrayCommand } from '../tray/tray-menu.js';
import { trayStateOf, type TrayStatus } from '../tray/tray-state.js';

export interface AppTrayOptions {
  assetsDir: string;
  language: Language;
  /** Runs a menu command; main maps it to the window, the services or quitting. */
  onCommand: (command: TrayCommand) => void;
  logger: Logger;
}

/** The tray icon: its picture and tooltip follow the agent's status, its menu the app language. */
export class AppTray {
  private readonly tray: Tray;
  private language: Language;
  private status: StatusResult = { agentMode: 'unreachable' };
  private windowsTaskbar: TaskbarTheme | undefined;
  private readonly onThemeUpdated = () => this.refreshTheme();

  constructor(private readonly options: AppTrayOptions) {
    this.language = options.language;
    this.tray = new Tray(nativeImage.createFromPath(this.iconFile(trayStateOf(this.status))));
    this.tray.on('click', () => options.onCommand('open'));
    nativeTheme.on('updated', this.onThemeUpdated);
    this.refreshTheme();
    this.render();
  }

  update(status: StatusResult): void {
    this.status = status;
    this.render();
  }

  setLanguage(language: Language): void {
    this.language = language;
    this.render();
  }

  destroy(): void {
    nativeTheme.off('updated', this.onThemeUpdated);
    this.tray.destroy();
  }

  private refreshTheme(): void {
    if (process.platform !== 'win32') {
      this.render();
      return;
    }
    // NOTE: Electron 45 emits 'updated' for the apps' theme. Whether it also fires when only the
    // taskbar's theme changes is unverified, so such a change may show only after the next start.
    void readWindowsTaskbarTheme().then((theme) => {
      this.windowsTaskbar = theme;
      this.render();
    });
  }

  private iconFile(trayStatus: TrayStatus): string {
    const theme = chooseTaskbarTheme(process.platform, this.windowsTaskbar, nativeTheme.shouldUseDarkColors);
    return trayIconFile(this.options.assetsDir, trayStatus.state, theme);
  }

  private render(): void {
    if (this.tray.isDestroyed()) {
      return;
    }
    const trayStatus = trayStateOf(this.status);
    this.tray.setImage(nativeImage.createFromPath(this.iconFile(trayStatus)));
    this.tray.setToolTip(trayStatus.tooltip[this.language]);

    const entries = trayMenuModel({ language: this.language, agentState: this.status.agent?.state });
    const template: MenuItemConstructorOptions[] = entries.map((entry) =>
      'separator' in entry
        ? { type: 'separator' }
        : { label: entry.label, enabled: entry.enabled, click: () => this.options.onCommand(entry.command) },
    );
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }
}
