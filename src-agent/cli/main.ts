#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultDataDir } from '../config/paths.js';
import { detectLanguage, toArchiverError } from '../errors/index.js';
import { EXIT, type CommandContext } from './context.js';
import { agentVersion } from '../version.js';
import { checkCommand } from './check-command.js';
import { registerControlCommands } from './ctl-command.js';
import { runOnceCommand, runScheduledCommand } from './run-commands.js';
import { registerSecretCommands } from './secret-command.js';
import { registerServiceCommands } from './service-command.js';
import { registerStateCommands } from './state-command.js';
import { statusCommand } from './status-command.js';
import { verifyCommand } from './verify-command.js';
import { formatError } from './output.js';

/** Options every command accepts. */
interface GlobalOptions {
  dataDir: string;
  config?: string;
  lang?: string;
  json?: boolean;
  verbose?: boolean;
}

function parseRunCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new InvalidArgumentError('expected a whole number from 1 to 1000');
  }
  return count;
}

function contextOf(command: Command): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  return {
    dataDir: options.dataDir,
    configFile: options.config,
    language: detectLanguage(options.lang),
    languageFromOption: options.lang !== undefined,
    json: options.json === true,
    verbose: options.verbose === true,
  };
}

// Usage errors (an unknown option, --lang fr) exit with 2 like every other failure, so that
// exit code 1 keeps meaning "some messages or mailboxes were skipped". Subcommands inherit this
// setting because it is made before they are added.
const program = new Command()
  .exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : EXIT.failed);
  })
  .name('m365-archiver')
  .description('Archives mail from Microsoft 365 mailboxes into a folder that an archive or DMS imports.')
  .version(agentVersion())
  .option('--data-dir <dir>', 'data directory with config.json, state.sqlite, journal and logs (env M365_ARCHIVER_DATA_DIR)', defaultDataDir())
  .option('--config <file>', 'config file to use instead of <data-dir>/config.json')
  .addOption(new Option('--lang <language>', 'language of messages for the admin').choices(['de', 'en']))
  .option('--json', 'print the result as JSON on stdout')
  .option('--verbose', 'also write the log to stderr (the log file is always written)');

program
  .command('once')
  .description('archive every pickup folder once, then exit (exit code 0: ok, 1: some messages or mailboxes skipped, 2: failed)')
  .action(async (_options, command: Command) => {
    process.exitCode = await runOnceCommand(contextOf(command));
  });

program
  .command('run')
  .description('run the agent: archive every intervalMinutes and serve the control channel ("ctl") until stopped with Ctrl+C, SIGINT or SIGTERM (exit code 2 when another agent uses the data directory)')
  .option('--operators-group <group>', 'local group that may use the control channel and read its token (env M365_ARCHIVER_OPERATORS_GROUP, default m365-archiver-operators)')
  .action(async (options: { operatorsGroup?: string }, command: Command) => {
    process.exitCode = await runScheduledCommand(contextOf(command), { operatorsGroup: options.operatorsGroup });
  });

program
  .command('status')
  .description('show the last runs, archive counts and messages waiting for a retry (no network access)')
  .option('--runs <count>', 'number of runs to show (1 to 1000)', parseRunCount, 10)
  .option('--check', 'print one line for monitoring tools (Nagios, Icinga, PRTG) and exit with 0: ok, 1: warning, 2: critical')
  .action(async (options: { runs: number; check?: boolean }, command: Command) => {
    process.exitCode = await statusCommand(contextOf(command), options.runs, { check: options.check === true });
  });

program
  .command('verify')
  .description('re-hash every archived file and check the journal against the ledger (exit code 1 on any difference)')
  .action(async (_options, command: Command) => {
    process.exitCode = await verifyCommand(contextOf(command));
  });

program
  .command('check')
  .description('test the connection step by step: input values, network, token, permissions, secret expiry, users, mailbox, clock (exit code 0: ok, 1: warnings, 2: failed)')
  .option('--mailbox <address>', 'mailbox to test (address or user ID) instead of the first configured one')
  .option('--write-test', 'also set and remove a test category on one message of the mailbox, which changes the message for a moment')
  .action(async (options: { mailbox?: string; writeTest?: boolean }, command: Command) => {
    process.exitCode = await checkCommand(contextOf(command), { mailbox: options.mailbox, writeTest: options.writeTest === true });
  });

registerSecretCommands(program, contextOf);
registerControlCommands(program, contextOf);
registerServiceCommands(program, contextOf);
registerStateCommands(program, contextOf);

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
