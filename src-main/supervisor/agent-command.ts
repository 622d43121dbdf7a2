import path from 'node:path';

/** A program with arguments that starts the agent; the supervisor runs it without a shell. */
export interface AgentCommand {
  command: string;
  args: string[];
  /** Variables added to the supervisor's own environment. */
  env?: Record<string, string>;
  cwd?: string;
}

/**
 * Returns the command the packaged app uses: the Electron binary itself (`process.execPath`)
 * running the agent's compiled entry as plain Node, so no separate Node install is needed.
 */
export function packagedAgentCommand(options: { execPath: string; agentEntry: string; dataDir: string }): AgentCommand {
  return {
    command: options.execPath,
    args: [options.agentEntry, '--data-dir', options.dataDir, 'run'],
    env: { ELECTRON_RUN_AS_NODE: '1' },
  };
}

/** Returns the command that runs the agent from a source checkout with tsx, for development and tests. */
export function sourceAgentCommand(options: { repositoryRoot: string; dataDir: string; nodePath?: string }): AgentCommand {
  return {
    command: options.nodePath ?? process.execPath,
    args: ['--import', 'tsx', path.join(options.repositoryRoot, 'src-agent', 'cli', 'main.ts'), '--data-dir', options.dataDir, 'run'],
    // tsx is resolved from the working directory.
    cwd: options.repositoryRoot,
  };
}
