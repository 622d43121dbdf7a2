import { CATALOG, type CatalogText, type Language } from './catalog.js';
import type { ErrorCode } from './codes.js';

/** Values that fill a catalog text's placeholders and describe the failure in logs. */
export type ErrorDetails = Record<string, string | number | undefined>;

export interface ArchiverErrorOptions {
  details?: ErrorDetails;
  cause?: unknown;
  /** HTTP status of the response that caused the error, if any. */
  status?: number;
  /** Graph's `request-id` header, which Microsoft support requests. */
  requestId?: string;
  /** True when repeating the same request later may succeed. */
  retryable?: boolean;
}

/**
 * The one error type of the agent. `message` is English for logs; `localize` gives the admin's
 * text. Only code, details and English message cross a process boundary.
 */
export class ArchiverError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, options: ArchiverErrorOptions = {}) {
    const details = options.details ?? {};
    super(fillPlaceholders(CATALOG[code].en.message, details), { cause: options.cause });
    this.name = 'ArchiverError';
    this.code = code;
    this.details = details;
    this.status = options.status;
    this.requestId = options.requestId;
    this.retryable = options.retryable ?? false;
  }

  localize(language: Language): CatalogText {
    return localizeError(this.code, this.details, language);
  }

  /** Plain data for JSON output, IPC and the state database. */
  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails; status?: number; requestId?: string } {
    return {
      code: this.code,
      message: this.message,
      details: this.details,
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.requestId !== undefined ? { requestId: this.requestId } : {}),
    };
  }
}

/**
 * Fills the catalog text of `code` in `language`. A detail may come in a German variant under
 * `<name>_de` (a config problem, say), which the German text prefers over `<name>`.
 */
export function localizeError(code: ErrorCode, details: ErrorDetails, language: Language): CatalogText {
  const text = CATALOG[code][language];
  const localized: ErrorDetails = { ...details };
  if (language === 'de') {
    for (const [name, value] of Object.entries(details)) {
      if (name.endsWith('_de')) {
        localized[name.slice(0, -3)] = value;
      }
    }
  }
  return {
    message: fillPlaceholders(text.message, localized),
    remedy: fillPlaceholders(text.remedy, localized),
  };
}

export function fillPlaceholders(template: string, details: ErrorDetails): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = details[name];
    return value === undefined ? placeholder : String(value);
  });
}

/** Wraps anything thrown into an ArchiverError, keeping ArchiverErrors as they are. */
export function toArchiverError(error: unknown): ArchiverError {
  if (error instanceof ArchiverError) {
    return error;
  }
  const problem = error instanceof Error ? error.message : String(error);
  return new ArchiverError('INTERNAL', { details: { problem }, cause: error });
}
