import { createHash } from 'node:crypto';

/**
 * Derives a GUID from `input`: the first 16 bytes of its SHA-256 digest with the version 4
 * and RFC 4122 variant bits set. It looks like the random GUIDs Entra ID issues, but it is the
 * same on every run and machine.
 */
export function deterministicGuid(input: string): string {
  const bytes = createHash('sha256').update(input, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;

  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** User object ID of a mailbox address; the address is compared case-insensitively, as Exchange does. */
export function userIdFor(address: string): string {
  return deterministicGuid(`m365-sim:user:${address.toLowerCase()}`);
}

/** Tenant ID of a tenant, derived from its primary (onmicrosoft.com) domain. */
export function tenantIdFor(primaryDomain: string): string {
  return deterministicGuid(`m365-sim:tenant:${primaryDomain.toLowerCase()}`);
}

/** Hex digest used where content needs a stable, unique token (Message-IDs, MIME boundaries). */
export function stableHex(input: string, length: number): string {
  return createHash('sha256').update(input, 'utf8').digest('hex').slice(0, length);
}

/** "anna.schmidt" becomes "Anna Schmidt": the local part split at dots, underscores and hyphens. */
export function displayNameFromAddress(address: string): string {
  const localPart = address.split('@')[0] ?? address;
  return localPart
    .split(/[._-]+/)
    .filter((word) => word.length > 0)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}
