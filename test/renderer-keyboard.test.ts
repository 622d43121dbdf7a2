import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { smallTenant } from './m365-sim/testing.js';
import { buildRenderer, chromiumUnavailableReason, closeBrowser, openRenderer, type RendererPage } from './support/renderer-bridge.js';
import { startRendererBackend, wideFolderTenant, type RendererBackend } from './support/renderer-env.js';
import { byTestId, walkToFolderStep } from './support/renderer-steps.js';

const unavailable = chromiumUnavailableReason();
if (unavailable) console.log(`renderer keyboard and folder tree tests skipped: ${unavailable}`);

const WIDE_MAILBOX = 'ablage@contoso.de';
const WIDE_FOLDERS = 2_000;

let buildDir: string | undefined;
let backend: RendererBackend | undefined;
let ui: RendererPage | undefined;

beforeAll(async () => {
  if (!unavailable) buildDir = await buildRenderer();
}, 120_000);
afterAll(async () => {
  await closeBrowser();
  if (buildDir) await rm(buildDir, { recursive: true, force: true });
});
afterEach(async () => {
  // The last screenshot shows where a failed test stopped.
  await ui?.screenshot('end').catch(() => undefined);
  await ui?.close();
  await backend?.close();
  ui = undefined;
  backend = undefined;
});

/** Name of the element that has focus, and whether Fluent marked it as keyboard-focused. */
async function focused(ui: RendererPage): Promise<{ testId: string | null; tag: string; focusVisible: boolean; outline: string }> {
  return ui.page.evaluate(() => {
    const element = document.activeElement as HTMLElement;
    const style = getComputedStyle(element);
    return {
      testId: element.getAttribute('data-testid'),
      tag: element.tagName.toLowerCase(),
      focusVisible: element.matches(':focus-visible'),
      outline: `${style.outlineStyle} ${style.outlineWidth}`,
    };
  });
}

/**
 * Records in the page, for every key press, the time from the keydown event to the end of the
 * next frame, and every long task (over 50 ms) the browser reports.
 */
async function startLatencyProbe(ui: RendererPage): Promise<void> {
  await ui.page.evaluate(() => {
    const probe = { latencies: [] as number[], longTasks: [] as number[] };
    Object.assign(window, { __latencyProbe: probe });
    document.addEventListener(
      'keydown',
      (event) => {
        const pressed = event.timeStamp;
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => probe.latencies.push(performance.now() - pressed);
          channel.port2.postMessage(undefined);
        });
      },
      { capture: true },
    );
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
}

async function readLatencyProbe(ui: RendererPage): Promise<{ latencies: number[]; longTasks: number[] }> {
  return ui.page.evaluate(() => {
    const probe = (window as unknown as { __latencyProbe: { latencies: number[]; longTasks: number[] } }).__latencyProbe;
    const copy = { latencies: [...probe.latencies], longTasks: [...probe.longTasks] };
    probe.latencies.length = 0;
    probe.longTasks.length = 0;
    return copy;
  });
}

function summarize(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
  return `n=${sorted.length} median=${at(0.5).toFixed(1)} ms p95=${at(0.95).toFixed(1)} ms max=${(sorted.at(-1) ?? 0).toFixed(1)} ms`;
}

describe.skipIf(unavailable !== undefined)('renderer by keyboard', () => {
  it('connection step by keyboard alone', async () => {
    backend = await startRendererBackend({ systemLanguages: ['en-US'] });
    ui = await openRenderer({ buildDir: buildDir!, testName: 'keyboard-connection', services: backend.services });
    const { page } = ui;
    await byTestId(page, 'wizard-next').waitFor();

    // Tab order on step 1 from the language switch in the header: the collapsed proxy section, the reachability check, then "next".
    await byTestId(page, 'language').focus();
    await page.keyboard.press('Tab');
    expect((await focused(ui)).testId).toBe('network-section');
    await page.keyboard.press('Tab');
    const checkButton = await focused(ui);
    expect(checkButton.testId).toBe('check-reachability');
    expect(checkButton.focusVisible).toBe(true);
    await ui.screenshot('focus-check-button');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="host"]').first().waitFor();
    await page.keyboard.press('Tab');
    expect((await focused(ui)).testId).toBe('wizard-next');
    await page.keyboard.press('Enter');
    await byTestId(page, 'step-connection').waitFor();

    // The new step's heading takes focus, so the next Tab reaches its first field.
    expect((await focused(ui)).tag).toBe('h2');
    await page.keyboard.press('Tab');
    expect((await focused(ui)).testId).toBe('tenant');
    await page.keyboard.type(backend.simulator.tenantId);
    await page.keyboard.press('Tab');
    expect((await focused(ui)).testId).toBe('client-id');
    await page.keyboard.type(backend.simulator.clientId);
    await page.keyboard.press('Tab');
    expect((await focused(ui)).testId).toBe('secret');
    await page.keyboard.type(backend.simulator.clientSecret);
    expect(await byTestId(page, 'secret').getAttribute('type')).toBe('password');
    await page.keyboard.press('Tab');
    const toggle = await focused(ui);
    expect(toggle.testId).toBe('secret-visibility');
    expect(toggle.focusVisible).toBe(true);
    await page.keyboard.press('Space');
    expect(await byTestId(page, 'secret').getAttribute('type')).toBe('text');
    await page.keyboard.press('Space');
    expect(await byTestId(page, 'secret').getAttribute('type')).toBe('password');
    await page.keyboard.press('Tab');
    expect((await focused(ui)).testId).toBe('secret-expiry');
    // Chromium's date field takes one Tab per part (month, day, year, and the calendar button).
    for (let part = 0; part < 5 && (await focused(ui)).testId === 'secret-expiry'; part++) await page.keyboard.press('Tab');
    expect((await focused(ui)).testId).toBe('test-connection');
    await ui.screenshot('focus-test-button');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="connection-result"][data-ok="true"]').waitFor();
    await ui.screenshot('connection-ok');

    // Back, next and the hint follow the result list.
    await page.keyboard.press('Tab');
    expect((await focused(ui)).testId).toBe('wizard-back');
    await page.keyboard.press('Tab');
    expect((await focused(ui)).testId).toBe('wizard-next');
    await page.keyboard.press('Enter');
    await byTestId(page, 'step-mailbox').waitFor();
    expect(await ui.cspProblems()).toEqual([]);
  });

  it('2,000-folder tree stays responsive', async () => {
    backend = await startRendererBackend({ systemLanguages: ['de-DE'], content: wideFolderTenant(smallTenant(), WIDE_MAILBOX, WIDE_FOLDERS) });
    ui = await openRenderer({ buildDir: buildDir!, testName: 'folder-tree-2000', services: backend.services, locale: 'de-DE' });
    const { page } = ui;
    await walkToFolderStep(ui, backend.simulator, WIDE_MAILBOX, 'Ablage');

    const tree = byTestId(page, 'folder-tree');
    await tree.waitFor();
    await tree.focus();
    await startLatencyProbe(ui);
    // Focus starts on the first folder; "Kunden", with the 2,000 children, is further down the top level.
    const kundenRow = page.locator('[role="treeitem"]', { hasText: /^Kunden/ });
    const topLevelRows = Number(await tree.getAttribute('data-row-count'));
    const kundenPosition = Number(await kundenRow.getAttribute('aria-posinset'));
    for (let press = 1; press < kundenPosition; press++) await page.keyboard.press('ArrowDown');
    expect(await kundenRow.getAttribute('id')).toBe(await tree.getAttribute('aria-activedescendant'));
    const expandStarted = performance.now();
    await page.keyboard.press('ArrowRight');
    await page.locator(`[data-testid="folder-tree"][data-row-count="${topLevelRows + WIDE_FOLDERS}"]`).waitFor();
    const expandMs = performance.now() - expandStarted;
    expect(await kundenRow.getAttribute('aria-expanded')).toBe('true');
    await ui.screenshot('expanded');
    const expand = await readLatencyProbe(ui);

    for (let press = 0; press < 60; press++) await page.keyboard.press('ArrowDown');
    for (let press = 0; press < 10; press++) await page.keyboard.press('PageDown');
    // End goes to the last top-level folder; the folders after "Kunden" lie between it and Kunde 2000.
    await page.keyboard.press('End');
    for (let press = kundenPosition; press < topLevelRows; press++) await page.keyboard.press('ArrowUp');
    const active = page.locator(`[id="${await tree.getAttribute('aria-activedescendant')}"]`);
    expect(await active.innerText()).toContain('Kunde 2000');
    expect(await active.getAttribute('aria-level')).toBe('2');
    expect(await active.getAttribute('aria-posinset')).toBe(String(WIDE_FOLDERS));
    expect(await active.getAttribute('aria-setsize')).toBe(String(WIDE_FOLDERS));
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="folder-selected"]', { hasText: 'Kunden / Kunde 2000' }).waitFor();
    await ui.screenshot('end-selected');
    const navigation = await readLatencyProbe(ui);
    const renderedRows = await page.locator('[role="treeitem"]').count();

    // ArrowLeft on a child goes to its parent, a second one collapses it.
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator(`[id="${await tree.getAttribute('aria-activedescendant')}"]`).innerText()).toContain('Kunden');
    await page.keyboard.press('ArrowLeft');
    await page.locator(`[data-testid="folder-tree"][data-row-count="${topLevelRows}"]`).waitFor();

    await byTestId(page, 'folder-search-input').focus();
    await startLatencyProbe(ui);
    await page.keyboard.type('Kunde 19', { delay: 0 });
    await page.locator('[data-testid="folder-search-status"][data-complete="true"]').waitFor();
    const typing = await readLatencyProbe(ui);
    const matches = page.locator('[data-testid="folder-search"] li');
    // "Kunde 19" matches Kunde 0019, 0190 to 0199 and 1900 to 1999: more than the 50 shown.
    expect(await matches.count()).toBe(50);
    await ui.screenshot('search');

    console.log(`folder tree, ${WIDE_FOLDERS} folders in one level, Chromium ${await page.context().browser()?.version()}:`);
    console.log(`  expand: ${expandMs.toFixed(0)} ms from the key press until the ${WIDE_FOLDERS} rows are in the tree (listFolders through main and the simulator, measured in the test process)`);
    console.log(`  expand key: ${summarize(expand.latencies)}, long tasks ${summarize(expand.longTasks)}`);
    console.log(`  navigation (${navigation.latencies.length} keys): ${summarize(navigation.latencies)}, long tasks ${summarize(navigation.longTasks)}`);
    console.log(`  typing in search (8 keys): ${summarize(typing.latencies)}, long tasks ${summarize(typing.longTasks)}`);
    console.log(`  rendered treeitems with ${topLevelRows + WIDE_FOLDERS} visible rows: ${renderedRows}`);

    // Generous bounds that catch only pathological behaviour, such as rendering every row.
    expect(renderedRows).toBeLessThan(60);
    expect(navigation.latencies.length).toBe(72 + topLevelRows - kundenPosition);
    expect(Math.max(...navigation.latencies)).toBeLessThan(1_000);
    expect(Math.max(...typing.latencies)).toBeLessThan(1_000);
    expect(navigation.longTasks.reduce((sum, duration) => sum + duration, 0)).toBeLessThan(3_000);
    expect(await ui.cspProblems()).toEqual([]);
  });
});
