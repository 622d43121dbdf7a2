import { spawn } from 'node:child_process';

/** Output of one finished command. `code` is null when a signal ended it. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Text for the command's stdin, the only way a secret may reach a command. */
  input?: string;
}

/**
 * Runs one program with arguments and no shell, and resolves when it exits. The service
 * install takes it as a parameter, so tests can record the command lines instead of changing
 * the machine.
 */
export type CommandRunner = (command: string, args: readonly string[], options?: CommandOptions) => Promise<CommandResult>;

// A status or install command prints a few lines; anything past this is cut, not buffered.
const MAX_OUTPUT_CHARS = 64 * 1024;

/** Returns the runner that starts real processes. A missing program resolves with code 127, as a shell reports it. */
export function processRunner(): CommandRunner {
  return (command, args, options = {}) =>
    new Promise((resolve) => {
      const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout = (stdout + chunk.toString('utf8')).slice(0, MAX_OUTPUT_CHARS);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(0, MAX_OUTPUT_CHARS);
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        resolve({ code: error.code === 'ENOENT' ? 127 : 1, stdout, stderr: stderr || error.message });
      });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      // A program that exits without reading its stdin makes the write fail with EPIPE; its exit code reports the rest.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
    });
}
