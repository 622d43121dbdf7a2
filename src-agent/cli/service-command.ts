import path from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { agentPaths, defaultDataDir, defaultStagingFolder } from '../config/paths.js';
import { ArchiverError, type Language } from '../errors/index.js';
import { currentAgentLaunch, type AgentLaunch } from '../service/launch.js';
import { SERVICE_NAMES } from '../service/names.js';
import { processRunner, type CommandRunner } from '../service/runner.js';
import type { ServiceNote, ServiceStatus } from '../service/service-types.js';
import { systemdServiceManager, type SystemdInstallPlan } from '../service/systemd-service.js';
import type { CredentialMode } from '../service/systemd-unit.js';
import { winswServiceManager, type WinswInstallPlan } from '../service/winsw-service.js';
import { DEFAULT_WINDOWS_DATA_DIR, type WindowsServiceAccount } from '../service/winsw-xml.js';
import { EXIT, type CommandContext } from './context.js';
import { fill } from './output.js';

export type ServiceAction = 'install' | 'uninstall' | 'start' | 'stop' | 'status';

/** Options of `service install`, as commander parses them. */
export interface ServiceInstallOptions {
  credential?: CredentialMode;
  /** Read the client secret from stdin and store it as the service's credential. */
  secretStdin?: boolean;
  runtime?: string;
  entry?: string;
  winsw?: string;
  account?: string;
}

/** Machine access that `runServiceAction` uses; tests pass their own. */
export interface ServiceDependencies {
  runner: CommandRunner;
  platform: NodeJS.Platform;
  launch: AgentLaunch;
  readStdin: () => Promise<string>;
  write: (text: string) => void;
  /** Linux: unit folder and root check. Windows: elevation check. */
  unitDir?: string;
  isRoot?: boolean;
  isElevated?: boolean;
}

const TEXT = {
  en: {
    installed: 'The service "{name}" was installed and starts with the machine. Start it now with "m365-archiver service start".',
    uninstalled: 'The service "{name}" was stopped and removed. The data directory, the credentials and the service account were kept.',
    started: 'The service "{name}" was started.',
    stopped: 'The service "{name}" was stopped.',
    running: 'The service "{name}" is installed and running ({detail}).',
    notRunning: 'The service "{name}" is installed but not running ({detail}).',
    notInstalled: 'The service "{name}" is not installed.',
    'unit-written': 'Unit file: {path}',
    'secret-stored': 'The client secret was stored as a service credential in {path}.',
    'secret-missing': 'No client secret is stored for the service in {path} yet. Pass it on stdin: "sudo m365-archiver service install --secret-stdin".',
    'target-access': 'The service runs as user "{user}": make sure that it may write to the archive target {path}.',
    'account-password': 'Enter the password of "{account}" in the service properties (services.msc, tab "Log On") before you start the service.',
  },
  de: {
    installed: 'Der Dienst "{name}" wurde eingerichtet und startet mit dem Rechner. Starten Sie ihn jetzt mit "m365-archiver service start".',
    uninstalled: 'Der Dienst "{name}" wurde beendet und entfernt. Datenverzeichnis, Anmeldeinformationen und Dienstkonto bleiben erhalten.',
    started: 'Der Dienst "{name}" wurde gestartet.',
    stopped: 'Der Dienst "{name}" wurde beendet.',
    running: 'Der Dienst "{name}" ist eingerichtet und läuft ({detail}).',
    notRunning: 'Der Dienst "{name}" ist eingerichtet, läuft aber nicht ({detail}).',
    notInstalled: 'Der Dienst "{name}" ist nicht eingerichtet.',
    'unit-written': 'Unit-Datei: {path}',
    'secret-stored': 'Der geheime Clientschlüssel wurde als Anmeldeinformation des Dienstes in {path} gespeichert.',
    'secret-missing': 'Für den Dienst ist in {path} noch kein geheimer Clientschlüssel gespeichert. Übergeben Sie ihn über stdin: "sudo m365-archiver service install --secret-stdin".',
    'target-access': 'Der Dienst läuft als Benutzer "{user}": Stellen Sie sicher, dass er in das Archivziel {path} schreiben darf.',
    'account-password': 'Tragen Sie das Passwort von "{account}" in den Diensteigenschaften ein (services.msc, Registerkarte "Anmelden"), bevor Sie den Dienst starten.',
  },
} as const;

/** Adds `service install|uninstall|start|stop|status` to the program. */
export function registerServiceCommands(program: Command, contextOf: (command: Command) => CommandContext): void {
  const service = program
    .command('service')
    .description('install, remove, start, stop or show the agent as a system service (systemd on Linux, WinSW on Windows)');

  service
    .command('install')
    .description('install the agent as a service that starts with the machine (needs root or an elevated prompt)')
    .addOption(new Option('--credential <mode>', 'Linux: how systemd passes the client secret: "encrypted" (systemd-creds, systemd 250 or later) or "file" (a file only root can read)').choices(['encrypted', 'file']).default('encrypted'))
    .option('--secret-stdin', 'Linux: read the client secret from stdin and store it as the service credential')
    .option('--runtime <file>', 'program that runs the agent (default: the one running this command)')
    .option('--entry <file>', 'agent CLI main file (default: the one running this command)')
    .option('--winsw <file>', 'Windows: WinSW 3 executable (default: resources\\winsw\\winsw.exe beside the app)')
    .option('--account <name>', 'Windows: service account such as DOMAIN\\name or DOMAIN\\gmsa$ (default: LocalSystem)')
    .action(async (options: ServiceInstallOptions, command: Command) => {
      process.exitCode = await runServiceAction('install', contextOf(command), options, defaultDependencies());
    });

  for (const action of ['uninstall', 'start', 'stop'] as const) {
    service
      .command(action)
      .description(`${action} the agent's service (needs root or an elevated prompt)`)
      .action(async (_options, command: Command) => {
        process.exitCode = await runServiceAction(action, contextOf(command), {}, defaultDependencies());
      });
  }

  service
    .command('status')
    .description('show whether the service is installed and running (exit code 0: running, 1: installed but stopped, 2: not installed)')
    .action(async (_options, command: Command) => {
      process.exitCode = await runServiceAction('status', contextOf(command), {}, defaultDependencies());
    });
}

/** Runs one service action on this platform and prints the admin's text; throws ArchiverError on failure. */
export async function runServiceAction(action: ServiceAction, context: CommandContext, options: ServiceInstallOptions, deps: ServiceDependencies): Promise<number> {
  const texts = TEXT[context.language];
  const name = deps.platform === 'win32' ? SERVICE_NAMES.windowsServiceId : SERVICE_NAMES.systemdUnit;
  const manager = managerFor(context, options, deps);

  if (action === 'status') {
    const status = await manager.status();
    deps.write(`${describeStatus(status, name, texts)}\n`);
    if (status.running) return EXIT.ok;
  return status.installed ? EXIT.problems : EXIT.failed;
  }
  if (action === 'install') {
    const notes = await manager.install();
    deps.write(`${[fill(texts.installed, { name }), ...notes.map((note) => describeNote(note, context.language))].join('\n')}\n`);
    return EXIT.ok;
  }

  await manager[action]();
  const done = { uninstall: texts.uninstalled, start: texts.started, stop: texts.stopped }[action];
  deps.write(`${fill(done, { name })}\n`);
  return EXIT.ok;
}

interface BoundManager {
  install(): Promise<ServiceNote[]>;
  uninstall(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): Promise<ServiceStatus>;
}

function managerFor(context: CommandContext, options: ServiceInstallOptions, deps: ServiceDependencies): BoundManager {
  const launch = launchWith(deps.launch, options);
  if (deps.platform === 'linux') {
    const manager = systemdServiceManager({ runner: deps.runner, ...(deps.unitDir ? { unitDir: deps.unitDir } : {}), ...(deps.isRoot !== undefined ? { isRoot: deps.isRoot } : {}) });
    return { ...manager, install: async () => manager.install(await linuxPlan(context, options, launch, deps)) };
  }
  if (deps.platform === 'win32') {
    const winsw = options.winsw ?? path.win32.join(path.win32.dirname(launch.runtime), 'resources', 'winsw', 'winsw.exe');
    const manager = winswServiceManager({
      runner: deps.runner,
      winsw,
      xmlFile: path.win32.join(path.win32.dirname(winsw), `${SERVICE_NAMES.windowsServiceId}.xml`),
      platform: deps.platform,
      ...(deps.isElevated !== undefined ? { isElevated: deps.isElevated } : {}),
    });
    return { ...manager, install: () => manager.install(windowsPlan(context, options, launch)) };
  }
  throw new ArchiverError('SERVICE_PLATFORM_UNSUPPORTED', { details: { platform: deps.platform } });
}

function launchWith(launch: AgentLaunch, options: ServiceInstallOptions): AgentLaunch {
  return {
    ...launch,
    ...(options.runtime ? { runtime: path.resolve(options.runtime), runtimeArgs: [] } : {}),
    ...(options.entry ? { entry: path.resolve(options.entry) } : {}),
  };
}

/** Reads the config for the folders the hardened unit must be allowed to write and the credentials it needs. */
async function linuxPlan(context: CommandContext, options: ServiceInstallOptions, launch: AgentLaunch, deps: ServiceDependencies): Promise<SystemdInstallPlan> {
  const paths = agentPaths(context.dataDir, context.configFile);
  const config = await loadConfig(paths.configFile);
  const secret = options.secretStdin ? (await deps.readStdin()).replace(/\r?\n$/, '') : undefined;
  return {
    launch,
    dataDir: path.resolve(context.dataDir),
    targetFolder: config.target.folder,
    stagingFolder: config.target.stagingFolder ?? defaultStagingFolder(config.target.folder),
    credentialMode: options.credential ?? 'encrypted',
    clientSecret: config.certificate === undefined,
    proxyPassword: config.proxy?.username !== undefined,
    ...(secret ? { secret } : {}),
  };
}

function windowsPlan(context: CommandContext, options: ServiceInstallOptions, launch: AgentLaunch): WinswInstallPlan {
  // The default folder goes into the XML as %ProgramData%\..., which WinSW expands when the service starts.
  const isDefault = path.win32.resolve(context.dataDir) === path.win32.resolve(defaultDataDir({ ...process.env, M365_ARCHIVER_DATA_DIR: '' }, 'win32'));
  const account: WindowsServiceAccount = options.account ? { kind: 'account', username: options.account } : { kind: 'local-system' };
  return {
    executable: launch.runtime,
    entry: launch.entry,
    dataDirSetting: isDefault ? DEFAULT_WINDOWS_DATA_DIR : context.dataDir,
    dataDir: context.dataDir,
    account,
  };
}

function describeStatus(status: ServiceStatus, name: string, texts: (typeof TEXT)[Language]): string {
  if (!status.installed) {
    return fill(texts.notInstalled, { name });
  }
  return fill(status.running ? texts.running : texts.notRunning, { name, detail: status.detail });
}

function describeNote(note: ServiceNote, language: Language): string {
  const texts = TEXT[language];
  switch (note.kind) {
    case 'unit-written':
    case 'secret-stored':
      return fill(texts[note.kind], { path: note.path });
    case 'secret-missing':
      return fill(texts['secret-missing'], { path: note.path });
    case 'target-access':
      return fill(texts['target-access'], { path: note.path, user: note.user });
    case 'account-password':
      return fill(texts['account-password'], { account: note.account });
  }
}

function defaultDependencies(): ServiceDependencies {
  return {
    runner: processRunner(),
    platform: process.platform,
    launch: currentAgentLaunch(),
    readStdin,
    write: (text) => process.stdout.write(text),
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
