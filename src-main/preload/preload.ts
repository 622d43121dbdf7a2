import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createArchiverApi } from '../ipc/api.js';
import { eventChannel, methodChannel } from '../ipc/methods.js';

// The sandboxed preload cannot load local modules, so scripts/build-electron.ts bundles this file
// with the two it imports into one CommonJS file whose only require is "electron".

const api = createArchiverApi(
  (method, args) => ipcRenderer.invoke(methodChannel(method), args),
  (event, listener) => {
    const channel = eventChannel(event);
    // The renderer gets the payload only: Electron's event object carries the sender and ports.
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
);

contextBridge.exposeInMainWorld('archiver', api);
