import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCertificate } from './m365-sim/app-certificates.js';
import { defaultApp } from './m365-sim/index.js';
import { startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { startTinyproxy, tinyproxyMissing, type Tinyproxy } from './support/proxy-tinyproxy.js';
import { folder, invoices, mailbox, tenant } from './support/small-tenant.js';

const ANNA = 'anna.schmidt@musterfirma.de';
const content = () => tenant([mailbox(ANNA, [folder('Abholordner', invoices(3))])]);
const pickups = [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }];

const noTinyproxy = tinyproxyMissing();
if (noTinyproxy) {
  console.log(`agent proxy tests skipped: ${noTinyproxy}`);
}

let environment: AgentEnvironment | undefined;
let proxy: Tinyproxy | undefined;
afterEach(async () => {
  await environment?.close();
  await proxy?.stop();
  environment = undefined;
  proxy = undefined;
});

describe('agent connection', () => {
  it('archives with a certificate and no secret', async () => {
    const certificate = await createAppCertificate();
    const app = { ...defaultApp(), certificates: [certificate.registration] };
    environment = await startAgentEnvironment({ content: content(), pickups, simulator: { apps: [app] } });
    const certificateFile = path.join(environment.workDir, 'app.crt');
    const privateKeyFile = path.join(environment.workDir, 'app.key');
    await writeFile(certificateFile, certificate.certificatePem);
    await writeFile(privateKeyFile, certificate.privateKeyPem, { mode: 0o600 });
    await environment.reconfigure({ extra: { certificate: { certificateFile, privateKeyFile } } });

    const cli = await environment.runCli(['once'], { AZURE_CLIENT_SECRET: '' });

    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(await environment.archivedFiles()).toHaveLength(3);
    const tokenRequests = environment.simulator.requests.filter((request) => request.url.includes('/oauth2/v2.0/token'));
    expect(tokenRequests.length).toBeGreaterThan(0);

    const status = JSON.parse((await environment.runCli(['status', '--json'], { AZURE_CLIENT_SECRET: '' })).stdout);
    expect(status.credentialExpiry.status).toBe('ok');
    expect(status.credentialExpiry.source).toBe('graph');
    const check = await environment.runCli(['check', '--json'], { AZURE_CLIENT_SECRET: '' });
    const report = JSON.parse(check.stdout);
    expect(report.steps.map((step: { id: string; status: string }) => `${step.id}:${step.status}`)).toEqual([
      'input:ok',
      'network:ok',
      'token:ok',
      'permissions:ok',
      'credential:ok',
      'users:ok',
      'mailbox:ok',
      'clock:ok',
    ]);
    expect(check.code).toBe(0);
  });

  it.skipIf(noTinyproxy !== undefined)('archives through a proxy with Basic credentials', async () => {
    proxy = await startTinyproxy({ basicAuth: { username: 'archiv', password: 'proxy-pass-4711' } });
    environment = await startAgentEnvironment({ content: content(), pickups, extra: { proxy: { url: proxy.url, username: 'archiv' } } });

    const cli = await environment.runCli(['once'], { M365_ARCHIVER_PROXY_PASSWORD: 'proxy-pass-4711' });

    expect(cli.code).toBe(0);
    expect(await environment.archivedFiles()).toHaveLength(3);
    const simulatorPort = new URL(environment.simulator.url).port;
    expect((await proxy.connectTargets()).some((target) => target.endsWith(`:${simulatorPort}`))).toBe(true);
  });

  it.skipIf(noTinyproxy !== undefined)('names a wrong proxy password', async () => {
    proxy = await startTinyproxy({ basicAuth: { username: 'archiv', password: 'proxy-pass-4711' } });
    environment = await startAgentEnvironment({ content: content(), pickups, extra: { proxy: { url: proxy.url, username: 'archiv' } } });

    const cli = await environment.runCli(['once'], { M365_ARCHIVER_PROXY_PASSWORD: 'wrong-password', LANG: 'de_DE.UTF-8' });

    expect(cli.code).toBe(2);
    expect(cli.stdout + cli.stderr).toContain('PROXY_AUTH_FAILED');
    expect(cli.stdout + cli.stderr).toContain('hat Benutzername oder Kennwort abgelehnt');
    expect(cli.stdout + cli.stderr).not.toContain('wrong-password');
    expect(await environment.archivedFiles()).toEqual([]);
  });

  it('names a proxy that is down', async () => {
    environment = await startAgentEnvironment({ content: content(), pickups, extra: { proxy: { url: 'http://127.0.0.1:9' } } });

    const cli = await environment.runCli(['once']);

    expect(cli.code).toBe(2);
    expect(cli.stdout + cli.stderr).toContain('PROXY_UNREACHABLE');
    expect(await environment.archivedFiles()).toEqual([]);
  });
});
