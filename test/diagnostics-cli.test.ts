import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { folder, invoices, mailbox, tenant } from './support/small-tenant.js';

// The `check` command as an admin runs it: its own process, config.json in a data directory,
// the secret in AZURE_CLIENT_SECRET, the simulator over HTTPS.
const ANNA = 'anna.schmidt@musterfirma.de';
const PICKUP = [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }];

function content() {
  return tenant([mailbox(ANNA, [folder('Posteingang', invoices(2)), folder('Abholordner', invoices(3))])]);
}

interface JsonReport {
  ok: boolean;
  exitCode: number;
  language: string;
  steps: Array<{ id: string; status: string; code?: string; text: { title: string; status: string; message: string; remedy?: string } }>;
  credentialExpiry?: { status: string; source: string; daysLeft: number };
}

let env: AgentEnvironment;

beforeAll(async () => {
  env = await startAgentEnvironment({ content: content(), pickups: PICKUP });
});

afterAll(async () => {
  await env.close();
});

describe('check command', () => {
  it('prints an English JSON report', async () => {
    const cli = await env.runCli(['check', '--json', '--lang', 'en']);

    expect(cli.code).toBe(0);
    const report = JSON.parse(cli.stdout) as JsonReport;
    expect(report.ok).toBe(true);
    expect(report.language).toBe('en');
    expect(report.steps.map((step) => step.status)).toEqual(Array(8).fill('ok'));
    expect(report.steps.find((step) => step.id === 'token')?.text.title).toBe('Access token');
    expect(report.credentialExpiry).toMatchObject({ status: 'ok', source: 'graph' });
  });

  it('prints German text', async () => {
    const cli = await env.runCli(['--lang', 'de', 'check']);

    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('Verbindungsprüfung von M365 Mail Archiver');
    expect(cli.stdout).toMatch(/\[OK\] Zugriffstoken: Entra ID hat ein Zugriffstoken ausgestellt\. \(\d+ ms\)/);
    expect(cli.stdout).toContain('Hinweis: Das Markieren wurde nicht getestet.');
    expect(cli.stdout).toContain('Ergebnis: Alle Prüfungen bestanden.');
  });

  it('explains a wrong secret in German', async () => {
    const wrong = 'Wrg8Q~wrong-secret-value-for-the-cli-test-0';
    const cli = await env.runCli(['--lang', 'de', 'check'], { AZURE_CLIENT_SECRET: wrong });

    expect(cli.code).toBe(2);
    expect(cli.stdout).toContain('[Fehler] Zugriffstoken [AUTH_SECRET_INVALID]');
    expect(cli.stdout).toContain('Abhilfe: Kopieren Sie unter „Zertifikate & Geheimnisse“ den Wert');
    expect(cli.stdout).toContain('[Übersprungen] Postfach');
    expect(cli.stdout).toContain('Ergebnis: Fehlgeschlagen.');
    expect(cli.stdout + cli.stderr).not.toContain(wrong);
  });

  it('explains a secret ID in English JSON', async () => {
    const cli = await env.runCli(['check', '--json', '--lang', 'en'], { AZURE_CLIENT_SECRET: randomUUID() });

    expect(cli.code).toBe(2);
    const report = JSON.parse(cli.stdout) as JsonReport;
    const input = report.steps.find((step) => step.id === 'input');
    expect(input).toMatchObject({ status: 'failed', code: 'INPUT_SECRET_IS_ID' });
    expect(input?.text.remedy).toContain('"Value" column');
  });

  it('runs the write test on a chosen mailbox', async () => {
    const before = env.simulator.state.listMessages(ANNA, 'Abholordner').map((message) => message.categories.join(','));

    const cli = await env.runCli(['check', '--json', '--write-test', '--mailbox', ANNA]);

    expect(cli.code).toBe(0);
    const report = JSON.parse(cli.stdout) as JsonReport;
    expect(report.steps.find((step) => step.id === 'mailbox')?.text.message).toContain('test category');
    expect(env.simulator.state.listMessages(ANNA, 'Abholordner').map((message) => message.categories.join(','))).toEqual(before);
  });

  it('shows the expiry in status', async () => {
    await env.runCli(['check', '--json']);

    const text = await env.runCli(['--lang', 'en', 'status']);
    const json = await env.runCli(['status', '--json']);

    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Secret expiry \(checked \d{4}-\d{2}-\d{2} \d{2}:\d{2}\): The client secret is valid until \d{4}-\d{2}-\d{2} \(\d+ days from now\)\./);
    expect((JSON.parse(json.stdout) as { credentialExpiry?: { source: string } }).credentialExpiry?.source).toBe('graph');
  });
});

describe('check command with warnings', () => {
  it('exits 1 for a secret that expires soon', async () => {
    const now = Date.now();
    const app = {
      clientId: randomUUID(),
      displayName: 'soon',
      roles: ['Mail.ReadWrite', 'Directory.Read.All'],
      secrets: [{ keyId: randomUUID(), value: 'Soo8Q~secret-that-expires-in-ten-days-000', startDateTime: new Date(now - 86_400_000).toISOString(), endDateTime: new Date(now + 10.5 * 86_400_000).toISOString() }],
    };
    const soon = await startAgentEnvironment({ content: content(), pickups: PICKUP, simulator: { apps: [app] } });
    try {
      const cli = await soon.runCli(['--lang', 'de', 'check']);
      const status = await soon.runCli(['--lang', 'de', 'status']);

      expect(cli.code).toBe(1);
      expect(cli.stdout).toContain('[Warnung] Ablauf des Schlüssels [CREDENTIAL_EXPIRES_SOON]: Der geheime Clientschlüssel läuft in 10 Tagen ab');
      expect(cli.stdout).toContain('Ergebnis: Bestanden, mit Warnungen.');
      expect(status.stdout).toContain('Der geheime Clientschlüssel läuft in 10 Tagen ab');
    } finally {
      await soon.close();
    }
  });
});
