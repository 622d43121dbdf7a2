import { readFile, rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../src-agent/errors/catalog.js';
import { KeychainSecretStore } from '../src-agent/secrets/secret-store.js';
import { TEXTS } from '../src-renderer/src/i18n/texts.js';
import { ANNA } from './m365-sim/testing.js';
import { filesBelow } from './support/agent-harness.js';
import { missingKeyringTools, startKeyringSession, type KeyringSession } from './support/keyring-session.js';
import { freePort, startTinyproxy, tinyproxyMissing, type Tinyproxy } from './support/proxy-tinyproxy.js';
import { buildRenderer, chromiumUnavailableReason, closeBrowser, openRenderer, type RendererPage } from './support/renderer-bridge.js';
import { startRendererBackend, type RendererBackend } from './support/renderer-env.js';
import { byTestId, next, pickMailbox, testConnection } from './support/renderer-steps.js';

// The wizard's "Proxy and certificates" section in Chromium, with the real main services, a
// real agent and a real tinyproxy (Debian package "tinyproxy") in front of the simulator.
const unavailable = chromiumUnavailableReason() ?? tinyproxyMissing();
const missingTools = await missingKeyringTools();
if (unavailable) console.log(`renderer proxy tests skipped: ${unavailable}`);
if (missingTools.length > 0) {
  console.log(`renderer proxy "archive through the proxy" test skipped: ${missingTools.join(', ')} not found (Debian packages dbus-daemon, gnome-keyring, libglib2.0-bin); storeSecret needs a keychain.`);
}

const PROXY_USER = 'archiver';
const PROXY_PASSWORD = 'Pr0xy-Renderer-Passw0rd';

let buildDir: string | undefined;
let session: KeyringSession | undefined;
let backend: RendererBackend | undefined;
let tinyproxy: Tinyproxy | undefined;
let ui: RendererPage | undefined;

beforeAll(async () => {
  if (unavailable) return;
  buildDir = await buildRenderer();
  if (missingTools.length === 0) session = await startKeyringSession({ unlock: true });
}, 120_000);
afterAll(async () => {
  await closeBrowser();
  await session?.stop();
  if (buildDir) await rm(buildDir, { recursive: true, force: true });
});
afterEach(async () => {
  // The last screenshot shows where a failed test stopped.
  await ui?.screenshot('end').catch(() => undefined);
  await ui?.close();
  if (backend && session) {
    const store = new KeychainSecretStore();
    await store.delete({ kind: 'client-secret', clientId: backend.simulator.clientId });
    if (tinyproxy) await store.delete({ kind: 'proxy-password', proxyUrl: tinyproxy.url, username: PROXY_USER });
  }
  await backend?.close();
  await tinyproxy?.stop();
  ui = undefined;
  backend = undefined;
  tinyproxy = undefined;
});

async function open(testName: string, language: 'de' | 'en'): Promise<{ ui: RendererPage; backend: RendererBackend }> {
  backend = await startRendererBackend({ systemLanguages: language === 'de' ? ['de-DE', 'en-US'] : ['en-GB', 'de-DE'] });
  ui = await openRenderer({ buildDir: buildDir!, testName, services: backend.services, locale: language === 'de' ? 'de-DE' : 'en-US' });
  await byTestId(ui.page, 'step-prerequisites').waitFor();
  return { ui, backend };
}

/** Opens the collapsed section and waits for its first field. */
async function openNetworkSection(ui: RendererPage): Promise<void> {
  expect(await byTestId(ui.page, 'proxy-url').count()).toBe(0);
  await byTestId(ui.page, 'network-section').click();
  await byTestId(ui.page, 'proxy-url').waitFor();
}

describe.skipIf(unavailable !== undefined)('wizard proxy section', () => {
  it('bad proxy URL shows inline error', async () => {
    const { ui } = await open('proxy-url-invalid', 'de');
    const { page } = ui;
    await openNetworkSection(ui);

    // A missing scheme shows once the admin leaves the field, and blocks check and "next".
    await byTestId(page, 'proxy-url').fill('proxy.firma.local:3128');
    expect(await byTestId(page, 'proxy-url-problem').count()).toBe(0);
    await byTestId(page, 'proxy-url').press('Tab');
    const problem = byTestId(page, 'proxy-url-problem');
    await page.locator('[data-testid="proxy-url-problem"][data-problem="scheme"]').waitFor();
    expect(await problem.innerText()).toBe(TEXTS.de.proxyUrlScheme);
    expect(await byTestId(page, 'wizard-next').isDisabled()).toBe(true);
    expect(await byTestId(page, 'check-reachability').isDisabled()).toBe(true);
    expect(await page.locator('section').innerText()).toContain(TEXTS.de.networkFieldsInvalid);
    await ui.screenshot('proxy-scheme-missing');

    // Credentials in the address show at once, with the hint to use the fields below.
    await byTestId(page, 'proxy-url').fill(`http://${PROXY_USER}:${PROXY_PASSWORD}@proxy.firma.local:3128`);
    await page.locator('[data-testid="proxy-url-problem"][data-problem="credentials"]').waitFor();
    expect(await problem.innerText()).toBe(TEXTS.de.proxyUrlCredentials);
    await ui.screenshot('proxy-credentials-in-url');

    // A user name needs a password before the check may run.
    await byTestId(page, 'proxy-url').fill('http://proxy.firma.local:3128');
    await page.locator('[data-testid="proxy-url-problem"]').waitFor({ state: 'detached' });
    await byTestId(page, 'proxy-username').fill(PROXY_USER);
    await byTestId(page, 'proxy-password').waitFor();
    expect(await page.locator('section').innerText()).toContain(TEXTS.de.proxyPasswordNeeded);
    expect(await byTestId(page, 'wizard-next').isDisabled()).toBe(true);
    await byTestId(page, 'proxy-password').fill(PROXY_PASSWORD);
    await page.locator('[data-testid="wizard-next"]:not([disabled])').waitFor();
    expect(await byTestId(page, 'check-reachability').isDisabled()).toBe(false);
    expect(ui.calls).not.toContain('checkReachability');
  });

  it('unreachable proxy shows its remedy', async () => {
    const { ui } = await open('proxy-unreachable', 'en');
    const { page } = ui;
    await openNetworkSection(ui);

    // A port nothing listens on, like a proxy address with the wrong port.
    const closedPort = await freePort();
    await byTestId(page, 'proxy-url').fill(`http://127.0.0.1:${closedPort}`);
    await byTestId(page, 'check-reachability').click();
    const host = page.locator('[data-testid="host"][data-reachable="false"]').first();
    await host.waitFor();
    const text = await host.innerText();
    expect(text).toContain(TEXTS.en.via('proxy'));
    expect(text).toContain(`127.0.0.1:${closedPort}`);
    expect(text).toContain(CATALOG.PROXY_UNREACHABLE.en.remedy);
    await ui.screenshot('proxy-unreachable');
  });

  it.skipIf(missingTools.length > 0)('archive through the proxy', async () => {
    const { ui, backend } = await open('proxy-wizard', 'en');
    const { page } = ui;
    tinyproxy = await startTinyproxy({ basicAuth: { username: PROXY_USER, password: PROXY_PASSWORD } });
    const simulatorHost = new URL(backend.simulator.url).host;

    await openNetworkSection(ui);
    await byTestId(page, 'proxy-url').fill(tinyproxy.url);
    await byTestId(page, 'proxy-username').fill(PROXY_USER);
    await byTestId(page, 'proxy-password').fill(PROXY_PASSWORD);
    // The simulator's CA takes the place of the root certificate of a TLS-inspecting proxy.
    await byTestId(page, 'extra-ca-file').fill(backend.simulator.caFile);
    await ui.screenshot('proxy-typed');
    await byTestId(page, 'check-reachability').click();
    await page.locator('[data-testid="host"]').first().waitFor();
    await ui.screenshot('proxy-reachability');
    expect(await page.locator('[data-testid="host"][data-reachable="false"]').count()).toBe(0);
    expect(await byTestId(page, 'reachability').innerText()).toContain(TEXTS.en.via('proxy'));
    expect(await tinyproxy.connectTargets()).toContain(simulatorHost);
    const afterCheck = (await tinyproxy.connectTargets()).length;
    await next(page, 'connection');

    expect(await testConnection(ui, backend.simulator, backend.simulator.clientSecret)).toBe(true);
    expect((await tinyproxy.connectTargets()).length).toBeGreaterThan(afterCheck);
    await next(page, 'mailbox');
    await pickMailbox(ui, 'Anna', ANNA);
    await next(page, 'folder');
    await page.locator('[role="treeitem"]', { hasText: 'Abholordner' }).click();
    await page.locator('[role="treeitem"][aria-selected="true"]', { hasText: 'Abholordner' }).waitFor();
    await next(page, 'target');
    await byTestId(page, 'target-browse').click();
    await page.locator(`[data-testid="target-folder"]`).and(page.locator(`[value="${backend.targetDir}"]`)).waitFor();
    await byTestId(page, 'target-test').click();
    await byTestId(page, 'target-result').waitFor();
    await next(page, 'schedule');
    await next(page, 'summary');

    const summary = await byTestId(page, 'summary').innerText();
    expect(summary).toContain(tinyproxy.url);
    expect(summary).toContain(TEXTS.en.summaryProxyUser(PROXY_USER));
    expect(summary).toContain(TEXTS.en.summaryProxyPasswordNew);
    expect(summary).toContain(backend.simulator.caFile);
    expect(summary).not.toContain(PROXY_PASSWORD);
    await ui.screenshot('proxy-summary');
    const beforeRun = (await tinyproxy.connectTargets()).length;
    await byTestId(page, 'save-and-start').click();

    // The agent archives through the proxy with the password the summary stored in its keychain.
    await byTestId(page, 'dashboard').waitFor();
    await page.locator('[data-testid="archived-total"]:not([data-value="0"])').waitFor({ timeout: 45_000 });
    expect(ui.calls.filter((method) => method === 'storeSecret')).toHaveLength(2);
    expect((await tinyproxy.connectTargets()).length).toBeGreaterThan(beforeRun);
    expect((await backend.archivedFiles()).length).toBeGreaterThan(0);
    const config = JSON.parse(await readFile(`${backend.dataDir}/config.json`, 'utf8')) as Record<string, unknown>;
    expect(config.proxy).toEqual({ url: tinyproxy.url, username: PROXY_USER });
    expect(config.extraCaFile).toBe(backend.simulator.caFile);
    expect(await page.content()).not.toContain(PROXY_PASSWORD);

    // "Change settings" shows the saved proxy with an empty password field and the keep hint.
    await byTestId(page, 'change-settings').click();
    await byTestId(page, 'step-prerequisites').waitFor();
    await byTestId(page, 'proxy-url').waitFor();
    expect(await byTestId(page, 'proxy-url').inputValue()).toBe(tinyproxy.url);
    expect(await byTestId(page, 'proxy-username').inputValue()).toBe(PROXY_USER);
    expect(await byTestId(page, 'proxy-password').inputValue()).toBe('');
    expect(await byTestId(page, 'extra-ca-file').inputValue()).toBe(backend.simulator.caFile);
    expect(await page.locator('section').innerText()).toContain(TEXTS.en.proxyPasswordKeep);
    expect(await byTestId(page, 'wizard-next').isDisabled()).toBe(false);
    await ui.screenshot('proxy-settings-reopened');

    // The check runs again with the stored password, which never comes back to the page.
    const checked = (await tinyproxy.connectTargets()).length;
    await byTestId(page, 'check-reachability').click();
    await page.locator('[data-testid="host"]').first().waitFor();
    expect(await page.locator('[data-testid="host"][data-reachable="false"]').count()).toBe(0);
    expect((await tinyproxy.connectTargets()).length).toBeGreaterThan(checked);
    expect(await page.content()).not.toContain(PROXY_PASSWORD);

    expect(backend.agent.output()).not.toContain(PROXY_PASSWORD);
    for (const file of await filesBelow(backend.workDir)) {
      expect((await readFile(file)).includes(Buffer.from(PROXY_PASSWORD, 'utf8')), `password in ${file}`).toBe(false);
    }
    expect(await ui.cspProblems()).toEqual([]);
  });
});
