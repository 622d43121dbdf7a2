/** Origin of an IPC call, as Electron's event.senderFrame and webContents report it. */
export interface SenderInfo {
  /** URL of the frame that sent the call. */
  url: string;
  /** True when the frame is the top frame of its page, not an iframe. */
  isTopFrame: boolean;
  /** True when the page belongs to the app's own window. */
  fromOurWindow: boolean;
}

/**
 * Tells whether a call may run: it must come from the top frame of the app's own window, and
 * the frame's URL must have exactly `appOrigin` as its origin (scheme, host and port). A page
 * that navigated elsewhere, an iframe or a second window is rejected.
 */
export function isTrustedSender(info: SenderInfo, appOrigin: string): boolean {
  if (!info.fromOurWindow || !info.isTopFrame) {
    return false;
  }
  return originOf(info.url) === originOf(appOrigin) && originOf(appOrigin) !== undefined;
}

/**
 * Returns scheme, host and port of a URL. For custom schemes such as app://archiver the WHATWG
 * URL parser reports the origin "null", so the origin is built from protocol and host instead.
 */
function originOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.host === '') {
    return undefined;
  }
  return `${parsed.protocol}//${parsed.host}`;
}
