import { toArchiverError } from '../errors/index.js';
import { createAgent } from '../run/agent.js';
import type { RunResult } from '../run/run-types.js';
import { runOnSchedule } from '../run/scheduler.js';
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

/** `run`: archive on the configured interval until SIGINT or SIGTERM. */
export async function runScheduledCommand(commandContext: CommandContext): Promise<number> {
  const controller = stopOnSignals();
  // A long-running agent logs to stderr too, where a service manager's journal collects it.
  const agent = await createAgent({ dataDir: commandContext.dataDir, configFile: commandContext.configFile, console: true, signal: controller.signal });
  const context = withConfigLanguage(commandContext, agent.config.language);
  let last: RunResult | undefined;
  try {
    agent.logger.info({ intervalMinutes: agent.config.intervalMinutes, dataDir: context.dataDir }, 'agent started');
    await runOnSchedule({
      intervalMinutes: agent.config.intervalMinutes,
      signal: controller.signal,
      logger: agent.logger,
      runOnce: async () => {
        try {
          last = await agent.runOnce();
          printResult(last, context);
        } catch (error) {
          // A run that could not even start (say, the state database) is reported; the next one tries again.
          process.stderr.write(`${formatError(toArchiverError(error), context.language)}\n`);
          throw error;
        }
        return last;
      },
    });
    agent.logger.info('agent stopped');
    return last ? exitCodeOf(last) : EXIT.ok;
  } finally {
    await agent.close();
  }
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
