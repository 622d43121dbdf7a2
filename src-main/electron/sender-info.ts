import type { SenderInfo } from '../ipc/sender.js';

/** The parts of an ipcMain event that tell who sent it. Electron's IpcMainInvokeEvent fits this shape. */
export interface IpcSenderEvent {
  sender: unknown;
  /** Null when the frame navigated away or was destroyed before main handled the call. */
  senderFrame: { url: string; parent: unknown } | null;
}

/**
 * Describes the sender of an IPC call for the services' sender check: the frame's URL, whether
 * it is a top frame, and whether it belongs to our window's webContents. A call from a frame
 * that is gone gets an empty URL and fails that check.
 */
export function senderInfoOf(event: IpcSenderEvent, ourContents: unknown): SenderInfo {
  const frame = event.senderFrame;
  return {
    url: frame?.url ?? '',
    isTopFrame: frame !== null && frame.parent === null,
    fromOurWindow: ourContents !== undefined && event.sender === ourContents,
  };
}
