import type { AgentStatus } from '../../src-agent/control/protocol.js';
import type { StatusResult } from '../ipc/contract.js';
import { problemOf } from '../ipc/dispatcher.js';

/** Maximum item errors sent to the renderer, so a run with thousands of failed messages shows the first ones. */
const MAX_ITEM_PROBLEMS = 50;

/**
 * Builds the renderer's status from the agent's status. The agent's run errors carry only English
 * messages, so each one gets its German and English text with the remedy from the catalog.
 */
export function statusResultOf(agentMode: 'child' | 'service', agent: AgentStatus): StatusResult {
  const lastRun = agent.lastRun;
  if (!lastRun) {
    return { agentMode, agent };
  }

  const lastRunProblems: NonNullable<StatusResult['lastRunProblems']> = [];
  if (lastRun.error) {
    lastRunProblems.push(problemOf(lastRun.error.code, lastRun.error.details));
  }
  for (const error of lastRun.mailboxErrors) {
    lastRunProblems.push({ ...problemOf(error.code, error.details), mailbox: error.mailbox });
  }
  for (const error of lastRun.itemErrors.slice(0, MAX_ITEM_PROBLEMS)) {
    lastRunProblems.push({ ...problemOf(error.code, error.details), mailbox: error.mailbox, messageId: error.messageId });
  }
  return { agentMode, agent, lastRunProblems };
}
