import type { Dispatcher } from 'undici';
import type { TokenProvider } from '../../src-agent/auth/index.js';
import { GraphClient, type GraphClientOptions } from '../../src-agent/graph/client.js';
import { createDispatcher } from '../../src-agent/net/index.js';
import { fakeClock, type FakeClock } from './scripted-clock.js';
import { captureLogger } from './scripted-log.js';
import { startScriptedServer, type ScriptedServer } from './scripted-server.js';

/**
 * A token provider that hands out "token-1", then "token-2" after each forced refresh, and
 * counts the calls. The Graph client's tests use it in place of MSAL, which has its own tests.
 */
export interface CountingTokenProvider extends TokenProvider {
  calls: number;
  forcedCalls: number;
}

export function countingTokenProvider(): CountingTokenProvider {
  let generation = 1;
  const provider: CountingTokenProvider = {
    calls: 0,
    forcedCalls: 0,
    async getToken(options) {
      provider.calls++;
      if (options?.forceRefresh) {
        provider.forcedCalls++;
        generation++;
      }
      return `token-${generation}`;
    },
  };
  return provider;
}

export interface GraphHarness {
  server: ScriptedServer;
  client: GraphClient;
  tokens: CountingTokenProvider;
  clock: FakeClock;
  logLines: string[];
  dispatcher: Dispatcher;
  /** Builds another client on the same server, dispatcher and clock with other options. */
  clientWith(options: Partial<GraphClientOptions>): GraphClient;
  close(): Promise<void>;
}

/**
 * Starts a scripted server and a GraphClient against it with a fake clock, a counting token
 * provider and a captured log. Retries use jitter 0.5 of the backoff ceiling.
 */
export async function startGraphHarness(options: Partial<GraphClientOptions> = {}): Promise<GraphHarness> {
  const server = await startScriptedServer();
  const dispatcher = createDispatcher({ extraCaPem: [server.caPem] });
  const tokens = countingTokenProvider();
  const clock = fakeClock();
  const { logger, lines } = captureLogger();

  const clientWith = (extra: Partial<GraphClientOptions>) =>
    new GraphClient({
      graphEndpoint: server.url,
      tokenProvider: tokens,
      dispatcher,
      logger,
      sleep: clock.sleep,
      now: clock.now,
      random: () => 0.5,
      ...options,
      ...extra,
    });

  return {
    server,
    client: clientWith({}),
    tokens,
    clock,
    logLines: lines,
    dispatcher,
    clientWith,
    close: async () => {
      await dispatcher.destroy();
      await server.close();
    },
  };
}

/** Awaits a promise that must reject and returns its error. */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
