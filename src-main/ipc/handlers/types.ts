import type { z } from 'zod';
import type { IPC_CONTRACT, ValueOf } from '../contract.js';
import type { IpcMethodName } from '../methods.js';

/** The parsed argument of a method, after its schema filled defaults. */
export type ParsedArgs<M extends IpcMethodName> = z.output<(typeof IPC_CONTRACT)[M]['args']>;

/** One function per method of the contract; a handler throws an ArchiverError for a failure. */
export type IpcHandlers = {
  [M in IpcMethodName]: (args: ParsedArgs<M>) => Promise<ValueOf<M>>;
};
