import { readFile, rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../src-agent/errors/catalog.js';
import { KeychainSecretStore } from '../src-agent/secrets/secret-store.js';
import { ANNA, SCANNER } from './m365-sim/testing.js';
import { missingKeyringTools, startKeyringSession, type KeyringSession } from './support/keyring-session.js';
import { buildRenderer, chromiumUnavailableReason, closeBrowser, openRenderer, type RendererPage } from './support/renderer-bridge.js';
import { startRendererBackend, type RendererBackend } from './support/renderer-env.js';
import { byTestId, checkReachability, next, testConnection } from './support/renderer-steps.js';

const unavailable = chromiumUnavailableReason();
const missingTools = await missingKeyringTools();
if (unavailable) console.log(`renderer wizard tests skipped: ${unavailable}`);
if (missingTools.length > 0) {
  console.log(`renderer wizard "first archived message" tests skipped: ${missingTools.join(', ')} not found (Debian packages dbus-daemon, gnome-keyring, libglib2.0-bin); storeSecret needs a keychain.`);
}

const TEXTS = {
  de: {
    next: 'Weiter',
    back: 'Zurück',
    prerequisites: 'Voraussetzungen',
    save: 'Speichern und starten',
    overview: 'Jetzt archivieren',
    noMailbox: 'kein Postfach',
    searchHint: 'Geben Sie die ersten Buchstaben ein.',
    pickHint: 'Wählen Sie ein Postfach aus der Liste.',
    noChoiceHint: 'Keiner der gefundenen Benutzer hat ein Postfach. Suchen Sie nach einem anderen Namen.',
    folderSelected: 'Gewählter Ordner: Abholordner',
    staging: 'Zwischenordner: ',
    expiryFound: (date: string) => `Aus Entra ID gelesen: ${date}`,
    summaryExpiry: (date: string) => `${date} (aus Entra ID gelesen)`,
    agentTitle: 'Agent',
    agentMode: 'Läuft mit der App, die nach der Anmeldung startet.',
    connectionNeeded: 'Testen Sie die Verbindung, bevor Sie fortfahren.',
  },
  en: {
    next: 'Next',
    back: 'Back',
    prerequisites: 'Prerequisites',
    save: 'Save and start',
    overview: 'Archive now',
    noMailbox: 'no mailbox',
    searchHint: 'Type the first letters.',
    pickHint: 'Pick a mailbox from the list.',
    noChoiceHint: 'None of the users found has a mailbox. Search for another name.',
    folderSelected: 'Selected folder: Abholordner',
    staging: 'Staging folder: ',
    expiryFound: (date: string) => `Read from Entra ID: ${date}`,
    summaryExpiry: (date: string) => `${date} (read from Entra ID)`,
    agentTitle: 'Agent',
    agentMode: 'Runs with the app, which starts after login.',
    connectionNeeded: 'Test the connection before you continue.',
  },
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
// The simulator registers the client secret with an end of validity 730 days after its start.
const SIMULATOR_SECRET_DAYS = 730;

/** Formats YYYY-MM-DD the way the wizard shows dates (Node's ICU and Chromium's agree on these forms). */
function shownDay(day: string, language: 'de' | 'en'): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(language, { dateStyle: 'medium', timeZone: 'UTC' });
}

let buildDir: string | undefined;
let session: KeyringSession | undefined;
let backend: RendererBackend | undefined;
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
  if (backend && session) await new KeychainSecretStore().delete({ kind: 'client-secret', clientId: backend.simulator.clientId });
  await backend?.close();
  ui = undefined;
  backend = undefined;
});

async function open(testName: string, language: 'de' | 'en'): Promise<{ ui: RendererPage; backend: RendererBackend }> {
  backend = await startRendererBackend({ systemLanguages: language === 'de' ? ['de-DE', 'en-US'] : ['en-GB', 'de-DE'] });
  ui = await openRenderer({ buildDir: buildDir!, testName, services: backend.services, locale: language === 'de' ? 'de-DE' : 'en-US' });
  return { ui, backend };
}

describe.skipIf(unavailable !== undefined || missingTools.length > 0)('wizard to first archived message', () => {
  for (const language of ['de', 'en'] as const) {
    it(`whole wizard in ${language}`, async () => {
      const { ui, backend } = await open(`wizard-${language}`, language);
      const { page } = ui;
      const texts = TEXTS[language];

      await checkReachability(ui);
      expect(await page.locator('h2').innerText()).toBe(texts.prerequisites);
      expect(await byTestId(page, 'wizard-next').innerText()).toBe(texts.next);
      expect(await page.locator('[data-testid="host"][data-reachable="false"]').count()).toBe(0);
      await next(page, 'connection');

      // A stored secret is absent on a fresh machine, so the secret field is shown.
      expect(await testConnection(ui, backend.simulator, backend.simulator.clientSecret)).toBe(true);
      expect(await page.locator('[data-testid="check-step"][data-status="failed"]').count()).toBe(0);

      // The test read the secret's end of validity from the app registration in the simulator.
      const expiryFound = byTestId(page, 'secret-expiry-found');
      const expiryDate = (await expiryFound.getAttribute('data-date')) ?? '';
      const expectedEnd = Date.now() + SIMULATOR_SECRET_DAYS * DAY_MS;
      expect(Math.abs(Date.parse(`${expiryDate}T00:00:00Z`) - expectedEnd)).toBeLessThan(2 * DAY_MS);
      expect(await expiryFound.innerText()).toBe(texts.expiryFound(shownDay(expiryDate, language)));
      await next(page, 'mailbox');

      expect(await byTestId(page, 'wizard-blocker').innerText()).toBe(texts.searchHint);
      await byTestId(page, 'user-search').fill('S');
      const scanner = page.locator(`[data-testid="user-option"][data-address="${SCANNER}"]`);
      await scanner.waitFor();
      expect(await scanner.isDisabled()).toBe(true);
      expect(await scanner.innerText()).toContain(texts.noMailbox);
      expect(await byTestId(page, 'wizard-blocker').innerText()).toBe(texts.noChoiceHint);
      await ui.screenshot('mailbox-without-exchange');
      await byTestId(page, 'user-search').fill('Anna');
      await page.locator(`[data-testid="user-option"][data-address="${ANNA}"]`).waitFor();
      await page.locator('[data-testid="wizard-blocker"]', { hasText: texts.pickHint }).waitFor();
      await page.locator(`[data-testid="user-option"][data-address="${ANNA}"]`).click();
      await byTestId(page, 'mailbox-selected').waitFor();
      await ui.screenshot('mailbox-picked');
      await next(page, 'folder');

      const pickup = page.locator('[role="treeitem"]', { hasText: 'Abholordner' });
      await pickup.click();
      await page.locator('[role="treeitem"][aria-selected="true"]', { hasText: 'Abholordner' }).waitFor();
      expect(await byTestId(page, 'folder-selected').innerText()).toBe(texts.folderSelected);
      expect(await page.locator('[role="treeitem"]', { hasText: 'Verborgen' }).count()).toBe(0);
      await byTestId(page, 'show-hidden').click();
      await page.locator('[role="treeitem"]', { hasText: 'Verborgen' }).waitFor();
      await ui.screenshot('folder-picked');
      await next(page, 'target');

      await byTestId(page, 'target-browse').click();
      await page.locator(`[data-testid="target-folder"]`).and(page.locator(`[value="${backend.targetDir}"]`)).waitFor();
      await byTestId(page, 'target-test').click();
      const targetResult = byTestId(page, 'target-result');
      await targetResult.waitFor();
      expect(await targetResult.getAttribute('data-network-share')).toBe('false');
      expect(await targetResult.innerText()).toContain(texts.staging);
      await ui.screenshot('target-tested');
      await next(page, 'schedule');

      expect(await byTestId(page, 'category').inputValue()).toBe('Archiviert');
      expect(await byTestId(page, 'category-preview').innerText()).toContain('Archiviert');
      await byTestId(page, 'interval').fill('60');
      await ui.screenshot('schedule');
      // The current step is bold and must stay on one line, and the sidebar keeps its width.
      const currentEntry = await page.locator('nav li[aria-current="step"]').boundingBox();
      const firstEntry = await page.locator('nav li').first().boundingBox();
      expect(currentEntry?.height).toBe(firstEntry?.height);
      const stepLeftOnSchedule = (await byTestId(page, 'step-schedule').boundingBox())?.x;
      await next(page, 'summary');
      expect((await byTestId(page, 'step-summary').boundingBox())?.x).toBe(stepLeftOnSchedule);

      const summary = await byTestId(page, 'summary').innerText();
      expect(summary).toContain(ANNA);
      expect(summary).toContain('Abholordner');
      expect(summary).toContain(backend.targetDir);
      expect(summary).not.toContain(backend.simulator.clientSecret);
      expect(summary).toContain(texts.summaryExpiry(shownDay(expiryDate, language)));
      await ui.screenshot('summary');
      const save = byTestId(page, 'save-and-start');
      expect(await save.innerText()).toBe(texts.save);
      // "Back" sits left of the primary button in the footer, as on every other step.
      const footerButtons = await page.locator('[data-testid="wizard-footer"] button').allInnerTexts();
      expect(footerButtons.slice(0, 2)).toEqual([texts.back, texts.save]);
      await save.click();

      await byTestId(page, 'dashboard').waitFor();
      expect(await byTestId(page, 'run-now').innerText()).toBe(texts.overview);
      await page.locator('[data-testid="archived-total"]:not([data-value="0"])').waitFor({ timeout: 45_000 });
      await ui.screenshot('dashboard-archived');

      const files = await backend.archivedFiles();
      expect(files.length).toBeGreaterThan(0);
      expect((await readFile(files[0]!, 'utf8')).includes('Abholordner message')).toBe(true);
      const config = JSON.parse(await readFile(`${backend.dataDir}/config.json`, 'utf8')) as Record<string, unknown>;
      expect(config.intervalMinutes).toBe(60);
      expect(JSON.stringify(config)).not.toContain(backend.simulator.clientSecret);
      expect(await page.content()).not.toContain(backend.simulator.clientSecret);
      expect(ui.calls).toEqual(expect.arrayContaining(['storeSecret', 'saveSettings', 'runNow', 'getHistory']));

      // The dashboard's actions reach the agent, whose status events update the page.
      await byTestId(page, 'pause').click();
      await page.locator('[data-testid="dashboard"][data-agent-state="paused"]').waitFor();
      await byTestId(page, 'resume').click();
      await page.locator('[data-testid="dashboard"][data-agent-state="idle"]').waitFor();
      await byTestId(page, 'open-logs').click();
      await page.locator('.fui-MessageBar', { hasText: backend.dataDir }).waitFor();
      expect(backend.openedPaths).toHaveLength(1);
      expect(backend.openedPaths[0]!.startsWith(backend.dataDir)).toBe(true);
      expect(await byTestId(page, 'secret-expiry-status').getAttribute('data-days')).not.toBeNull();
      expect(await byTestId(page, 'agent-card-title').innerText()).toBe(texts.agentTitle);
      expect(await byTestId(page, 'agent-mode').innerText()).toBe(texts.agentMode);

      // "Change settings" reopens the wizard with the saved values; the stored secret shows only its hint.
      await byTestId(page, 'change-settings').click();
      await byTestId(page, 'step-prerequisites').waitFor();
      await next(page, 'connection');
      expect(await byTestId(page, 'tenant').inputValue()).toBe(backend.simulator.tenantId);
      expect(await byTestId(page, 'client-id').inputValue()).toBe(backend.simulator.clientId);
      const stored = byTestId(page, 'secret-stored');
      await stored.waitFor();
      expect(await stored.innerText()).toContain(`${backend.simulator.clientSecret.slice(0, 3)}…`);
      expect(await byTestId(page, 'secret').count()).toBe(0);
      // The date comes from the agent's own check after saving, before any new connection test.
      expect(await byTestId(page, 'secret-expiry-found').getAttribute('data-date')).toBe(expiryDate);
      await ui.screenshot('settings-reopened');

      // Unchanged connection fields need no new test: main browses with the saved settings.
      const nextButton = byTestId(page, 'wizard-next');
      expect(await nextButton.isEnabled()).toBe(true);
      expect(await byTestId(page, 'wizard-blocker').count()).toBe(0);

      // A new secret, or a changed tenant, requires a test until the field is as saved again.
      await byTestId(page, 'secret-replace').click();
      await byTestId(page, 'secret').fill('new~secret~value~0123456789abcdefghij');
      expect(await nextButton.isDisabled()).toBe(true);
      expect(await byTestId(page, 'wizard-blocker').innerText()).toBe(texts.connectionNeeded);
      await byTestId(page, 'secret-keep').click();
      expect(await nextButton.isEnabled()).toBe(true);
      await byTestId(page, 'tenant').fill(`${backend.simulator.tenantId}0`);
      expect(await nextButton.isDisabled()).toBe(true);
      await byTestId(page, 'tenant').fill(backend.simulator.tenantId);
      expect(await nextButton.isEnabled()).toBe(true);

      await next(page, 'mailbox');
      await byTestId(page, 'user-search').fill('Anna');
      await page.locator(`[data-testid="user-option"][data-address="${ANNA}"]`).waitFor();
      await ui.screenshot('settings-mailbox-without-test');
      await byTestId(page, 'wizard-cancel').click();
      await byTestId(page, 'dashboard').waitFor();
      expect(await page.content()).not.toContain(backend.simulator.clientSecret);
      expect(await ui.cspProblems()).toEqual([]);
    });
  }
});

describe.skipIf(unavailable !== undefined)('wizard connection errors', () => {
  for (const language of ['de', 'en'] as const) {
    it(`wrong secret shows remedy in ${language}`, async () => {
      const { ui, backend } = await open(`wrong-secret-${language}`, language);
      const { page } = ui;
      await checkReachability(ui);
      await next(page, 'connection');

      const ok = await testConnection(ui, backend.simulator, 'wrong~secret~value~0123456789abcdefghij');
      const tokenStep = page.locator('[data-testid="check-step"][data-step="token"]');
      const text = await tokenStep.innerText();

      expect(ok).toBe(false);
      expect(await tokenStep.getAttribute('data-status')).toBe('failed');
      expect(await tokenStep.getAttribute('data-code')).toBe('AUTH_SECRET_INVALID');
      expect(text).toContain('AADSTS7000215');
      expect(text).toContain(CATALOG.AUTH_SECRET_INVALID[language].remedy);
      expect(await byTestId(page, 'wizard-next').isDisabled()).toBe(true);

      // The switch in the header changes every text at once, without a new test.
      const other = language === 'de' ? 'en' : 'de';
      await byTestId(page, 'language').selectOption(other);
      await page.locator('[data-testid="check-step"][data-step="token"]', { hasText: CATALOG.AUTH_SECRET_INVALID[other].remedy }).waitFor();
      await ui.screenshot('language-switched');
      expect(ui.calls).toContain('setLanguage');
    });
  }
});
