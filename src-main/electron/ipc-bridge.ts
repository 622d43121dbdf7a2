import { ipcMain, type WebContents } from 'electron';
import type { MainServices } from '../app-services.js';
import type { IpcResult } from '../ipc/contract.js';
import { eventChannel, IPC_METHOD_NAMES, methodChannel, type IpcMethodName } from '../ipc/methods.js';
import type { SenderInfo } from '../ipc/sender.js';
import { APP_ORIGIN } from '../window/app-protocol.js';
import { senderInfoOf } from './sender-info.js';

/**
 * The sender main itself uses when the tray calls a service. The tray is part of main, so it
 * passes the sender check the way our own top frame does.
 */
export const MAIN_PROCESS_SENDER: SenderInfo = { url: `${APP_ORIGIN}/`, isTopFrame: true, fromOurWindow: true };

/**
 * Handles every method channel of the contract with the services, which check the sender and
 * the arguments, and sends every service event to the window. `afterCall` receives each result,
 * so the tray can follow a language change. Returns the function that removes it all.
 */
export function bridgeIpc(
  services: MainServices,
  windowContents: () => WebContents | undefined,
  afterCall?: (method: IpcMethodName, result: IpcResult<unknown>) => void,
): () => void {
  for (const method of IPC_METHOD_NAMES) {
    ipcMain.handle(methodChannel(method), async (event, args: unknown) => {
      const result = await services.call(method, args, senderInfoOf(event, windowContents()));
      afterCall?.(method, result);
      return result;
    });
  }

  const stopEvents = services.onEvent((name, payload) => {
    const contents = windowContents();
    if (contents && !contents.isDestroyed()) {
      contents.send(eventChannel(name), payload);
    }
  });

  return () => {
    stopEvents();
    for (const method of IPC_METHOD_NAMES) {
      ipcMain.removeHandler(methodChannel(method));
    }
  };
}
