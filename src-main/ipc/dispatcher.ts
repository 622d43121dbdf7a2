import type { Logger } from '../../src-agent/log/logger.js';
import { ArchiverError, localizeError, type ErrorCode, type ErrorDetails } from '../../src-agent/errors/index.js';
import { IPC_CONTRACT, type IpcFailure, type IpcProblem, type IpcResult } from './contract.js';
import type { IpcHandlers } from './handlers/types.js';
import { IPC_METHOD_NAMES, type IpcMethodName } from './methods.js';
import { isTrustedSender, type SenderInfo } from './sender.js';

export interface IpcDispatcherOptions {
  handlers: IpcHandlers;
  appOrigin: string;
  logger: Logger;
}

/** Runs one call from the renderer: sender check, argument check, handler, result check. */
export type IpcDispatcher = (method: string, args: unknown, sender: SenderInfo) => Promise<IpcResult<unknown>>;

/**
 * Builds the function that every IPC call passes through. It never throws: a rejected sender,
 * an unknown method or an invalid argument becomes a failure result before any handler runs,
 * and a handler's ArchiverError becomes a failure with the error's code, details and text.
 * Anything else is logged with its stack and answered as INTERNAL without its message, because
 * that message may contain paths or values the renderer must not see. The handler's value is
 * parsed with the method's result schema too, which drops every field the contract does not name.
 */
export function createIpcDispatcher(options: IpcDispatcherOptions): IpcDispatcher {
  const { handlers, appOrigin, logger } = options;

  return async (method, args, sender) => {
    // Names only: an argument may carry the client secret.
    if (!isTrustedSender(sender, appOrigin)) {
      logger.warn({ method: String(method).slice(0, 64), senderUrl: safeUrl(sender.url), isTopFrame: sender.isTopFrame, fromOurWindow: sender.fromOurWindow }, 'IPC call rejected: not from the app window');
      return failure(new ArchiverError('IPC_SENDER_REJECTED', { details: { method: String(method).slice(0, 64) } }));
    }
    if (!isMethodName(method)) {
      logger.warn({ method: String(method).slice(0, 64) }, 'IPC call rejected: unknown method');
      return failure(invalidArgument(String(method).slice(0, 64), 'the method does not exist'));
    }

    const parsed = IPC_CONTRACT[method].args.safeParse(args);
    if (!parsed.success) {
      const problem = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'argument'}: ${issue.message}`).join('; ');
      logger.warn({ method, problem }, 'IPC call rejected: invalid argument');
      return failure(invalidArgument(method, problem));
    }

    try {
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      return { ok: true, value: IPC_CONTRACT[method].result.parse(value) };
    } catch (error) {
      if (error instanceof ArchiverError) {
        logger.info({ method, code: error.code }, 'IPC call failed');
        return failure(error);
      }
      logger.error({ method, err: error }, 'IPC call failed with an unexpected error');
      return failure(new ArchiverError('INTERNAL', { details: { problem: `"${method}" failed; the app's log contains the details` } }));
    }
  };
}

/** Converts an ArchiverError into the contract's failure, with message and remedy in both languages. */
export function failure(error: ArchiverError): IpcFailure {
  return { ok: false, ...problemOf(error.code, error.details) };
}

/** Builds the contract's problem shape (code, details, text) for an error inside a successful result. */
export function problemOf(code: ErrorCode, details: ErrorDetails): IpcProblem {
  const defined: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(details)) {
    if (value !== undefined) defined[name] = value;
  }
  return { code, details: defined, text: { de: localizeError(code, details, 'de'), en: localizeError(code, details, 'en') } };
}

function invalidArgument(method: string, problem: string): ArchiverError {
  return new ArchiverError('IPC_INVALID_ARGUMENT', { details: { method, problem } });
}

function isMethodName(method: unknown): method is IpcMethodName {
  return typeof method === 'string' && (IPC_METHOD_NAMES as readonly string[]).includes(method);
}

/** Returns the URL without query and fragment, which may carry anything. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
