import { startLongRunningAgent } from '../control/long-running-agent.js';
import { ArchiverError } from '../errors/index.js';
import { createAgent } from '../run/agent.js';
import type { RunResult } from '../run/run-types.js';
import type { RunOutcome } from '../run/scheduler.js';
import { EXIT, withConfigLanguage, type CommandContext } from './context.js';
import { formatError, formatRunResult } from './output.js';

/** `once`: one archive pass. */
export async function runOnceCommand(commandContext: CommandContext): Promise<number> {
  const controller = stopOnSignals();
  const agent = await createAgent({ dataDir: commandContext.dataDir, configFile: commandContext.configFile, console: commandContext.verbose, signal: controller.signal });
  const context = withConfigLanguage(commandContext, agent.config.language);
  try {
    const result = await agent.runOnce();
    printResult(result, context);
    return exitCodeOf(result);
  } finally {
    await agent.close();
  }
}

/**
 * `run`: the long-running agent. Archives every intervalMinutes, serves the control channel
 * and stops on SIGINT or SIGTERM after the current step.
 */
export async function runScheduledCommand(commandContext: CommandContext, options: { operatorsGroup?: string } = {}): Promise<number> {
  const controller = stopOnSignals();
  // A long-running agent logs to stderr too, where a service manager's journal collects it.
  const agent = await startLongRunningAgent({
    dataDir: commandContext.dataDir,
    configFile: commandContext.configFile,
    console: true,
    signal: controller.signal,
    operatorsGroup: options.operatorsGroup,
  });

  const currentContext = () => withConfigLanguage(commandContext, agent.runtime.config?.language);
  agent.scheduler.onRunFinished((result) => {
    printResult(result, currentContext());
  });
  let reported: RunOutcome | undefined;
  agent.scheduler.onChange(({ lastRun }) => {
    // A run that could not start (no settings, no secret) has no result; the agent waits for the next try.
    if (lastRun && lastRun !== reported && lastRun.runId === undefined && lastRun.error) {
      reported = lastRun;
      printError(new ArchiverError(lastRun.error.code, { details: lastRun.error.details }), currentContext());
    }
  });
  await new Promise<void>((resolve) => {
    if (controller.signal.aborted) {
      resolve();
      return;
    }
    controller.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await agent.stop();
  // A requested stop is a success for a service manager, whatever the last run did: systemd
  // would otherwise mark the unit failed on every `systemctl stop` after a failed run. The
  // last run's outcome is in `status` and `status --check`.
  return EXIT.ok;
}

function printError(error: ArchiverError, context: CommandContext): void {
  if (context.json) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: { ...error.toJSON(), ...error.localize(context.language) } })}\n`);
    return;
  }
  process.stderr.write(`${formatError(error, context.language)}\n`);
}

function printResult(result: RunResult, context: CommandContext): void {
  if (context.json) {
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    process.stdout.write(`${JSON.stringify({ ok: result.status !== 'failed', result, peakRssBytes })}\n`);
    return;
  }
  process.stdout.write(`${formatRunResult(result, context.language)}\n`);
}

function exitCodeOf(result: RunResult): number {
  if (result.status === 'failed') return EXIT.failed;
  if (result.status === 'partial') return EXIT.problems;
  return EXIT.ok;
}

/** Aborts the returned controller on the first SIGINT or SIGTERM, so the current step can finish, and exits on the second. */
function stopOnSignals(): AbortController {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.exit(130);
    }
    process.stderr.write(`${signal} received: finishing the current step, then stopping.\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller;
}
