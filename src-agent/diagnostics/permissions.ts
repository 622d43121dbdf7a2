import { decodeTokenClaims } from '../auth/index.js';
import type { ErrorCode } from '../errors/index.js';

/** Assessment of the agent's permissions from the `roles` claim of an app-only token. */
export interface RoleAssessment {
  status: 'ok' | 'warning' | 'failed';
  code?: ErrorCode;
  /** Application permissions in the token, in the order Entra listed them. */
  roles: string[];
  /** Whether the token carries Mail.ReadWrite, which archiving needs for the category. */
  mailWrite: boolean;
}

// Any of these lets the agent list users (Graph's user-list permission table).
const USER_LIST_ROLES = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];

/**
 * Reads the application permissions from an access token's `roles` claim as a first hint. No
 * roles at all means admin consent was never granted, and a token without a role that lists
 * users fails. A missing Mail.ReadWrite is only a warning. A tenant that scopes the app with
 * Exchange Online's RBAC for Applications removes the Entra consent for mail on purpose, because
 * Entra grants and RBAC grants add up. Only a request to the mailbox can then show the access.
 */
export function assessTokenRoles(accessToken: string): RoleAssessment {
  const claim = decodeTokenClaims(accessToken).roles;
  const roles = Array.isArray(claim) ? claim.filter((role): role is string => typeof role === 'string') : [];
  const mailWrite = roles.includes('Mail.ReadWrite');

  if (roles.length === 0) {
    return { status: 'failed', code: 'PERMISSION_CONSENT_MISSING', roles, mailWrite };
  }
  if (!roles.some((role) => USER_LIST_ROLES.includes(role))) {
    return { status: 'failed', code: 'PERMISSION_DIRECTORY_MISSING', roles, mailWrite };
  }
  if (!mailWrite) {
    return { status: 'warning', code: 'PERMISSION_MAIL_MISSING', roles, mailWrite };
  }
  return { status: 'ok', roles, mailWrite };
}
