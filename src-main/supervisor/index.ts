export { packagedAgentCommand, sourceAgentCommand, type AgentCommand } from './agent-command.js';
export {
  AgentSupervisor,
  type AgentExit,
  type ExitReason,
  type SupervisorEvents,
  type SupervisorOptions,
  type SupervisorState,
} from './agent-supervisor.js';
export { appLoginCommand, autostartFile, disableAutostart, enableAutostart, HIDDEN_START_ARGUMENT, renderDesktopEntry, type AutostartOptions, type LoginCommand, type SetLoginItemSettings } from './autostart.js';
export { DEFAULT_BACKOFF, RestartBackoff, type BackoffOptions } from './backoff.js';
