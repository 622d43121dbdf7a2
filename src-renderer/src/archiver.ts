import type { ArchiverApi, IpcFailure, IpcProblem, IpcResult } from '../../src-main/ipc/contract.js';

declare global {
  interface Window {
    /** The typed bridge the preload (or the browser tests' init script) puts on the page. */
    archiver?: ArchiverApi;
  }
}

/** Returns the bridge; the page cannot work without it, so its absence is an error for the admin. */
export function archiver(): ArchiverApi {
  const api = window.archiver;
  if (!api) {
    throw new Error('window.archiver is missing: the page must be loaded by the desktop app.');
  }
  return api;
}

/** A failed call kept for display: the contract's failure without its `ok` field. */
export type Problem = IpcProblem;

export function problemOf(failure: IpcFailure): Problem {
  return { code: failure.code, details: failure.details, text: failure.text };
}

/** Resolves to the value of a call, or throws a CallFailed with the failure for the nearest error display. */
export async function unwrap<T>(result: Promise<IpcResult<T>>): Promise<T> {
  const settled = await result;
  if (settled.ok) return settled.value;
  throw new CallFailed(problemOf(settled));
}

export class CallFailed extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.code}: ${problem.text.en.message}`);
    this.name = 'CallFailed';
  }
}
