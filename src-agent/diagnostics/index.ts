export {
  checkAppRegistrationInput,
  checkClientIdInput,
  checkSecretInput,
  checkTenantInput,
  type AppRegistrationInput,
  type InputCheckResult,
} from '../config/registration-input.js';
export { runCheck, type CheckOptions, type CheckResult } from './check.js';
export { checkCredentialExpiry, secretHint, EXPIRY_WARNING_DAYS, type CredentialExpiryOptions, type CredentialExpiryResult } from './secret-expiry.js';
export { loadCredentialExpiry, saveCredentialExpiry } from './expiry-store.js';
export { probeNetwork, type NetworkProbeOptions, type NetworkProbeResult } from './network.js';
export { measureClockSkew, rateClockSkew, CLOCK_SKEW_FAILURE_MS, CLOCK_SKEW_WARNING_MS, type ClockSkew } from './clock.js';
export { assessTokenRoles, type RoleAssessment } from './permissions.js';
export { probeMailbox, type MailboxProbeOptions, type MailboxProbeResult } from './mailbox-probe.js';
export { describeCredentialExpiry, describeProbe, localizeStep, type LocalizedStep } from './texts.js';
export { CHECK_STEP_IDS, type CheckNote, type CheckReport, type CheckStep, type CheckStepId, type CheckStepStatus, type HostProbe, type NetworkStage } from './types.js';
