import { describe, expect, it } from 'vitest';
import { buildSidecar, parseSidecar, serializeSidecar, type Sidecar, type SidecarInput } from '../src-agent/archive/index.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import type { GraphMessage } from '../src-agent/graph/types.js';

const message: GraphMessage = {
  id: 'AAMkAGI2TG93AAA=',
  internetMessageId: '<abc@contoso.example>',
  subject: 'Angebot für Müller',
  from: { emailAddress: { name: 'Anna Schmidt', address: 'anna@contoso.example' } },
  sender: { emailAddress: { address: 'assistant@contoso.example' } },
  toRecipients: [{ emailAddress: { name: 'Max', address: 'max@fabrikam.example' } }],
  ccRecipients: [],
  receivedDateTime: '2024-05-01T10:15:30+02:00',
  sentDateTime: '2024-05-01T08:15:00Z',
  categories: ['Rot'],
  hasAttachments: true,
  parentFolderId: 'ignored-parent',
};

function sidecarInput(overrides: Partial<SidecarInput> = {}): SidecarInput {
  return {
    baseName: '2024-05-01_081530_anna@contoso.example_Angebot für Müller_0123456789',
    sha256: 'c'.repeat(64),
    size: 2048,
    archivedAt: new Date('2024-05-02T00:00:00Z'),
    mailbox: { id: 'mailbox-guid', address: 'archiv@contoso.example' },
    message,
    folderId: 'inbox-id',
    folderPath: ['Posteingang', 'Archivieren'],
    agent: { name: 'm365-mail-archiver', version: '0.1.0' },
    ...overrides,
  };
}

describe('buildSidecar', () => {
  it('maps every field', () => {
    expect(buildSidecar(sidecarInput())).toEqual({
      schemaVersion: 1,
      emlFile: '2024-05-01_081530_anna@contoso.example_Angebot für Müller_0123456789.eml',
      sha256: 'c'.repeat(64),
      size: 2048,
      archivedAt: '2024-05-02T00:00:00.000Z',
      mailbox: { id: 'mailbox-guid', address: 'archiv@contoso.example' },
      message: {
        id: 'AAMkAGI2TG93AAA=',
        internetMessageId: '<abc@contoso.example>',
        folderId: 'inbox-id',
        folderPath: ['Posteingang', 'Archivieren'],
        subject: 'Angebot für Müller',
        from: { name: 'Anna Schmidt', address: 'anna@contoso.example' },
        sender: { name: null, address: 'assistant@contoso.example' },
        to: [{ name: 'Max', address: 'max@fabrikam.example' }],
        cc: [],
        bcc: [],
        receivedDateTime: '2024-05-01T08:15:30.000Z',
        sentDateTime: '2024-05-01T08:15:00.000Z',
        categories: ['Rot'],
        hasAttachments: true,
      },
      agent: { name: 'm365-mail-archiver', version: '0.1.0' },
    });
  });

  it('fills absent optional fields', () => {
    const sidecar = buildSidecar(sidecarInput({ message: { id: 'draft', receivedDateTime: '2024-05-01T00:00:00Z', sentDateTime: null } }));
    expect(sidecar.message).toMatchObject({
      internetMessageId: null,
      subject: null,
      from: null,
      sender: null,
      to: [],
      sentDateTime: null,
      categories: [],
      hasAttachments: false,
    });
  });

  it('requires receivedDateTime', () => {
    expect(() => buildSidecar(sidecarInput({ message: { id: 'x' } }))).toThrow(ArchiverError);
  });
});

describe('serializeSidecar', () => {
  it('is stable 2-space JSON', () => {
    const sidecar = buildSidecar(sidecarInput());
    const text = serializeSidecar(sidecar);

    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "schemaVersion": 1,');
    expect(text).toBe(`${JSON.stringify(sidecar, null, 2)}\n`);
  });

  it('ignores key order', () => {
    const sidecar = buildSidecar(sidecarInput());
    const reordered = Object.fromEntries(Object.entries(sidecar).reverse()) as unknown as Sidecar;
    reordered.message = Object.fromEntries(Object.entries(sidecar.message).reverse()) as Sidecar['message'];

    expect(serializeSidecar(reordered)).toBe(serializeSidecar(sidecar));
  });

  it('rejects an invalid sidecar', () => {
    const sidecar = { ...buildSidecar(sidecarInput()), sha256: 'not-a-hash' };
    expect(() => serializeSidecar(sidecar)).toThrow(ArchiverError);
  });
});

describe('parseSidecar', () => {
  it('round-trips', () => {
    const sidecar = buildSidecar(sidecarInput());
    expect(parseSidecar(serializeSidecar(sidecar), 'x.json')).toEqual(sidecar);
  });

  it('reports broken files', () => {
    for (const text of ['{not json', '{"schemaVersion": 2}', '[]']) {
      let caught: unknown;
      try {
        parseSidecar(text, '/archive/x.json');
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toBeInstanceOf(ArchiverError);
      expect((caught as ArchiverError).code).toBe('ARCHIVE_SIDECAR_MISMATCH');
      expect((caught as ArchiverError).details.path).toBe('/archive/x.json');
    }
  });
});
