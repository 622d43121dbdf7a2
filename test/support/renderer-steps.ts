import type { Page } from 'playwright-core';
import type { RunningSimulator } from '../m365-sim/index.js';
import type { RendererPage } from './renderer-bridge.js';

/**
 * Steps of the setup wizard as an admin does them, shared by the renderer tests. Each waits for
 * what the page shows next (an element, an attribute), never for a fixed time.
 */

export function byTestId(page: Page, id: string) {
  return page.locator(`[data-testid="${id}"]`);
}

/** Step 1: runs the reachability check and waits for its hosts (the simulator serves both on one host). */
export async function checkReachability(ui: RendererPage): Promise<void> {
  await byTestId(ui.page, 'step-prerequisites').waitFor();
  await ui.screenshot('prerequisites');
  await byTestId(ui.page, 'check-reachability').click();
  await ui.page.locator('[data-testid="host"]').first().waitFor();
  await ui.screenshot('reachability');
}

export async function next(page: Page, step: string): Promise<void> {
  await byTestId(page, 'wizard-next').click();
  await byTestId(page, `step-${step}`).waitFor();
}

/** Step 2: types the registration and runs the connection test; resolves to the result element's data-ok. */
export async function testConnection(ui: RendererPage, simulator: RunningSimulator, secret: string): Promise<boolean> {
  const { page } = ui;
  // The agent's input check rejects contoso.onmicrosoft.com as a value copied from a guide, so the ID is typed.
  await byTestId(page, 'tenant').fill(simulator.tenantId);
  await byTestId(page, 'client-id').fill(simulator.clientId);
  await byTestId(page, 'secret').fill(secret);
  await ui.screenshot('connection-typed');
  await byTestId(page, 'test-connection').click();
  const result = byTestId(page, 'connection-result');
  await result.waitFor();
  await ui.screenshot('connection-tested');
  return (await result.getAttribute('data-ok')) === 'true';
}

/** Step 3: searches `query` and picks the user with `address`. */
export async function pickMailbox(ui: RendererPage, query: string, address: string): Promise<void> {
  const { page } = ui;
  await byTestId(page, 'user-search').fill(query);
  const option = page.locator(`[data-testid="user-option"][data-address="${address}"]`);
  await option.click();
  await page.locator(`[data-testid="user-option"][data-address="${address}"][aria-pressed="true"]`).waitFor();
  await ui.screenshot('mailbox-picked');
}

/** Steps 1 to 3 with the simulator's own secret, up to the folder step. */
export async function walkToFolderStep(ui: RendererPage, simulator: RunningSimulator, address: string, query: string): Promise<void> {
  await checkReachability(ui);
  await next(ui.page, 'connection');
  if (!(await testConnection(ui, simulator, simulator.clientSecret))) {
    throw new Error(`connection test failed: ${await byTestId(ui.page, 'connection-result').innerText()}`);
  }
  await next(ui.page, 'mailbox');
  await pickMailbox(ui, query, address);
  await next(ui.page, 'folder');
}
