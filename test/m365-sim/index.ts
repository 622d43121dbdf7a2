/**
 * The Microsoft 365 simulator: Entra ID's token endpoint and Graph v1.0's mail API over local
 * HTTPS, strict where Graph is strict, with throttling and injectable faults for tests.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { issueAccessToken } from './auth.js';
import type { SimulatorCore } from './core.js';
import { FaultRegistry } from './faults.js';
import { DeltaRegistry } from './graph/delta-state.js';
import { createJwtSigner } from './jwt.js';
import { MailboxLimiter, MICROSOFT_LIMITS } from './limits.js';
import { createSimulatorServer } from './server.js';
import { createState } from './state.js';
import { TenantStore } from './store.js';
import { createTlsMaterial } from './tls.js';
import type { RunningSimulator, SimulatorApp, SimulatorOptions } from './types.js';

export type * from './types.js';
export type * from './content/types.js';
export { MICROSOFT_LIMITS } from './limits.js';

const DAY_MS = 24 * 60 * 60 * 1000;
// Entra ID gives access tokens a lifetime of 60 to 90 minutes and reports 3599 s for a one-hour token.
const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;

/** Generates a client secret in Entra's shape: 40 characters with "8Q~" after the first three. */
function newSecretValue(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~';
  const pick = (count: number): string => [...randomBytes(count)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `${pick(3)}8Q~${pick(34)}`;
}

/** Creates the app a simulator has unless options name others: Mail.ReadWrite and Directory.Read.All, one secret valid two years. */
export function defaultApp(now = Date.now()): SimulatorApp {
  return {
    clientId: randomUUID(),
    displayName: 'M365 Mail Archiver (simulated)',
    roles: ['Mail.ReadWrite', 'Directory.Read.All'],
    secrets: [
      {
        keyId: randomUUID(),
        value: newSecretValue(),
        displayName: 'simulator',
        startDateTime: new Date(now - DAY_MS).toISOString(),
        endDateTime: new Date(now + 730 * DAY_MS).toISOString(),
      },
    ],
  };
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts a simulator on a free port (or `options.port`) and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const clock = options.clock ?? Date.now;
  const apps = options.apps ?? [defaultApp(clock())];
  if (apps.length === 0) throw new Error('startSimulator needs at least one app.');
  if (options.content.domains.length === 0) throw new Error('The tenant content needs at least one domain.');
  const [tls, signer] = await Promise.all([createTlsMaterial(), createJwtSigner()]);

  const core: SimulatorCore = {
    origin: '',
    options: {
      content: options.content,
      apps,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
      limits: { ...MICROSOFT_LIMITS, ...options.limits },
      accessDeniedMailboxes: new Set((options.accessDeniedMailboxes ?? []).map((mailbox) => mailbox.toLowerCase())),
      emptyDeltaFirstPage: options.emptyDeltaFirstPage ?? true,
      deltaPageSize: options.deltaPageSize ?? 10,
      folderPageLimit: options.folderPageLimit,
    },
    clock,
    tenant: new TenantStore(options.content, clock),
    signer,
    limiter: new MailboxLimiter({ ...MICROSOFT_LIMITS, ...options.limits }, clock),
    faults: new FaultRegistry(),
    delta: new DeltaRegistry(),
    requests: [],
    simulator: undefined,
  };

  const server = createSimulatorServer(core, tls);
  let connections = 0;
  server.on('secureConnection', () => connections++);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  core.origin = `https://${urlHost(host)}:${port}`;

  const firstApp = apps[0]!;
  const simulator: RunningSimulator = {
    url: core.origin,
    authorityHost: core.origin,
    graphEndpoint: core.origin,
    tenantId: options.content.tenantId,
    tenantDomain: options.content.domains[0]!,
    clientId: firstApp.clientId,
    clientSecret: firstApp.secrets[0]?.value ?? '',
    caPem: tls.caPem,
    caFile: tls.caFile,
    faults: core.faults,
    state: createState(core),
    requests: core.requests,
    issueAccessToken(tokenOptions) {
      const app = apps.find((candidate) => candidate.clientId === (tokenOptions?.clientId ?? firstApp.clientId)) ?? firstApp;
      const roles = tokenOptions?.roles ?? app.roles;
      return issueAccessToken(core, { ...app, roles }, 'https://graph.microsoft.com', tokenOptions?.lifetimeSeconds);
    },
    connectionCount: () => connections,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(tls.directory, { recursive: true, force: true });
    },
  };
  core.simulator = simulator;
  return simulator;
}
