import { ArchiverError } from '../errors/index.js';
import type { CommandOptions, CommandResult, CommandRunner } from './runner.js';

// The error shows the end of the output, where tools print the reason; a few lines are enough.
const MAX_ERROR_OUTPUT_CHARS = 600;

/**
 * Runs a command and throws SERVICE_COMMAND_FAILED unless it exits with one of `okCodes`.
 * The error names the command line, never the stdin text, which may be a secret.
 */
export async function runChecked(runner: CommandRunner, command: string, args: readonly string[], options: CommandOptions & { okCodes?: readonly number[] } = {}): Promise<CommandResult> {
  const result = await runner(command, args, options.input === undefined ? undefined : { input: options.input });
  const okCodes = options.okCodes ?? [0];
  if (result.code !== null && okCodes.includes(result.code)) {
    return result;
  }
  const output = `${result.stderr}\n${result.stdout}`.trim().slice(-MAX_ERROR_OUTPUT_CHARS) || '(no output)';
  throw new ArchiverError('SERVICE_COMMAND_FAILED', {
    details: { command: [command, ...args].join(' '), exitCode: result.code ?? 'none (ended by a signal)', output },
  });
}
