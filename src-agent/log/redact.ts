/**
 * Removes secrets from anything that is about to be logged. Two nets: values registered at
 * run time (the client secret, proxy passwords) are replaced wherever they appear, and
 * anything shaped like a JWT or a Bearer header is replaced by shape.
 */
const registeredSecrets = new Set<string>();

// Compact JWS: three base64url parts; access tokens from Entra ID start with "eyJ".
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER_PATTERN = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const SECRET_KEYS = /^(authorization|client_secret|clientsecret|secret|password|access_token|accesstoken|refresh_token|client_assertion|token)$/i;

export const REDACTED = '[redacted]';

/** Registers a value that must never appear in a log line. Short values are ignored, since
 * replacing two or three characters everywhere would garble the log without protecting much. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) {
    registeredSecrets.add(value);
  }
}

export function redactText(text: string): string {
  let result = text.replace(JWT_PATTERN, REDACTED).replace(BEARER_PATTERN, `$1${REDACTED}`);
  for (const secret of registeredSecrets) {
    if (result.includes(secret)) {
      result = result.split(secret).join(REDACTED);
    }
  }
  return result;
}

/** Returns a copy of `value` with secret-named keys and secret-shaped strings replaced. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return redactText(value);
  }
  if (value === null || typeof value !== 'object' || depth > 8) {
    return value;
  }
  if (value instanceof Error) {
    return {
      type: value.name,
      message: redactText(value.message),
      ...('code' in value ? { code: (value as { code: unknown }).code } : {}),
      ...(value.stack ? { stack: redactText(value.stack) } : {}),
    };
  }
  if (Array.isArray(value)) {
    return value.map((item) => redactValue(item, depth + 1));
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SECRET_KEYS.test(key) ? REDACTED : redactValue(item, depth + 1);
  }
  return copy;
}
