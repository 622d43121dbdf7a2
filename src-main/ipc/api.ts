import type { ArchiverApi } from './contract.js';
import { IPC_EVENT_NAMES, IPC_METHOD_NAMES, type IpcEventName, type IpcMethodName } from './methods.js';

/** Sends one call to main and resolves to its `{ ok, ... }` result. */
export type InvokeTransport = (method: IpcMethodName, args: unknown) => Promise<unknown>;
/** Registers a listener for one event; returns the function that removes it. */
export type EventTransport = (event: IpcEventName, listener: (payload: unknown) => void) => () => void;

/**
 * Builds the renderer's API object from the contract's method names, with one function per
 * method and nothing generic. The Electron preload passes ipcRenderer as transport; the
 * browser tests pass a Playwright binding, so both expose exactly the same object.
 */
export function createArchiverApi(invoke: InvokeTransport, subscribe: EventTransport): ArchiverApi {
  const api: Record<string, unknown> = {};
  for (const method of IPC_METHOD_NAMES) {
    api[method] = (args?: unknown) => invoke(method, args);
  }

  api.on = (event: IpcEventName, listener: (payload: unknown) => void) => {
    if (!IPC_EVENT_NAMES.includes(event)) {
      throw new TypeError(`unknown event: ${String(event)}`);
    }
    return subscribe(event, listener);
  };
  return Object.freeze(api) as ArchiverApi;
}
