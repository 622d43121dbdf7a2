#!/usr/bin/env node
import { Command, Option } from 'commander';
import { defaultDataDir } from '../config/paths.js';
import { detectLanguage, toArchiverError } from '../errors/index.js';
import { EXIT, type CommandContext } from './context.js';
import { agentVersion } from '../version.js';
import { runOnceCommand, runScheduledCommand } from './run-commands.js';
import { statusCommand } from './status-command.js';
import { verifyCommand } from './verify-command.js';
import { formatError } from './output.js';

/** Options every command accepts. */
interface GlobalOptions {
  dataDir: string;
  config?: string;
  lang?: string;
  json?: boolean;
}

function contextOf(command: Command): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  return {
    dataDir: options.dataDir,
    configFile: options.config,
    language: detectLanguage(options.lang),
    json: options.json === true,
  };
}

const program = new Command()
  .name('m365-archiver')
  .description('Archives mail from Microsoft 365 mailboxes into a folder that an archive or DMS imports.')
  .version(agentVersion())
  .option('--data-dir <dir>', 'data directory with config.json, state.sqlite, journal and logs (env M365_ARCHIVER_DATA_DIR)', defaultDataDir())
  .option('--config <file>', 'config file to use instead of <data-dir>/config.json')
  .addOption(new Option('--lang <language>', 'language of messages for the admin').choices(['de', 'en']))
  .option('--json', 'print the result as JSON on stdout');

program
  .command('once')
  .description('archive every pickup folder once, then exit (exit code 0: ok, 1: some messages or mailboxes skipped, 2: failed)')
  .action(async (_options, command: Command) => {
    process.exitCode = await runOnceCommand(contextOf(command));
  });

program
  .command('run')
  .description('archive every intervalMinutes until stopped with Ctrl+C, SIGINT or SIGTERM')
  .action(async (_options, command: Command) => {
    process.exitCode = await runScheduledCommand(contextOf(command));
  });

program
  .command('status')
  .description('show the last runs, archive counts and messages waiting for a retry (no network access)')
  .option('--runs <count>', 'number of runs to show', '10')
  .action(async (options: { runs: string }, command: Command) => {
    process.exitCode = await statusCommand(contextOf(command), Number(options.runs));
  });

program
  .command('verify')
  .description('re-hash every archived file and check the journal against the ledger (exit code 1 on any difference)')
  .action(async (_options, command: Command) => {
    process.exitCode = await verifyCommand(contextOf(command));
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const failure = toArchiverError(error);
  const language = detectLanguage(program.opts<GlobalOptions>().lang);
  if (program.opts<GlobalOptions>().json) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: { ...failure.toJSON(), ...failure.localize(language) } })}\n`);
  } else {
    process.stderr.write(`${formatError(failure, language)}\n`);
  }
  process.exitCode = EXIT.failed;
}
