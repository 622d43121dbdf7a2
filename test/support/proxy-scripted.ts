import { createServer, type Socket } from 'node:net';

/** One CONNECT request as the scripted proxy received it. */
export interface ScriptedConnect {
  target: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
}

/** A loopback proxy that responds to every CONNECT with one fixed status and never tunnels. */
export interface ScriptedProxy {
  url: string;
  requests: ScriptedConnect[];
  close(): Promise<void>;
}

export interface ScriptedResponse {
  status: number;
  reason: string;
  /** Extra response headers, repeated names given as separate entries. */
  headers?: Array<[string, string]>;
}

/**
 * Starts a proxy that responds to each CONNECT with `response` and closes the connection. It stands
 * in for proxies that cannot run here, such as one that demands NTLM or Negotiate (Kerberos)
 * authentication, which needs a Windows domain.
 */
export async function startScriptedProxy(response: ScriptedResponse): Promise<ScriptedProxy> {
  const requests: ScriptedConnect[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());

    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;

      requests.push(parseHead(head.slice(0, end)));
      const lines = [`HTTP/1.1 ${response.status} ${response.reason}`, ...(response.headers ?? []).map(([name, value]) => `${name}: ${value}`), 'Content-Length: 0', 'Connection: close'];
      socket.end(`${lines.join('\r\n')}\r\n\r\n`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the scripted proxy has no TCP address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseHead(head: string): ScriptedConnect {
  const [requestLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { target: requestLine.split(' ')[1] ?? '', headers };
}
