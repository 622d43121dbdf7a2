import path from 'node:path';

/** The program and arguments that start the agent CLI, before `--data-dir <dir> run`. */
export interface AgentLaunch {
  /** Absolute path of node, or of the Electron binary in the packaged app. */
  runtime: string;
  /** Loader options the runtime needs, such as `--import tsx` for a source checkout. */
  runtimeArgs: string[];
  /** The agent CLI's main file. */
  entry: string;
  /** True when `runtime` is the Electron binary, which runs the agent only with ELECTRON_RUN_AS_NODE=1. */
  electron: boolean;
}

/** Process facts `currentAgentLaunch` reads; tests pass their own. */
export interface ProcessFacts {
  execPath: string;
  execArgv: readonly string[];
  argv: readonly string[];
  versions: NodeJS.ProcessVersions;
}

/**
 * Returns how the running CLI itself was started, so a service can start the same agent the
 * admin is using. Only loader options (`--import`, `--require`, `--loader`) carry over;
 * debugging and inspector options stay behind.
 */
export function currentAgentLaunch(facts: ProcessFacts = process): AgentLaunch {
  const entry = facts.argv[1];
  if (!entry) {
    throw new Error('the agent entry file is unknown because the process has no script argument');
  }
  return {
    runtime: facts.execPath,
    runtimeArgs: loaderArgs(facts.execArgv),
    entry: path.resolve(entry),
    electron: facts.versions.electron !== undefined,
  };
}

function loaderArgs(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < execArgv.length; index++) {
    const option = execArgv[index]!;
    const name = option.split('=')[0]!;
    if (!['--import', '--require', '-r', '--loader', '--experimental-loader'].includes(name)) {
      continue;
    }
    if (option.includes('=')) {
      kept.push(option);
      continue;
    }
    const value = execArgv[index + 1];
    if (value !== undefined) {
      kept.push(option, value);
      index++;
    }
  }
  return kept;
}
