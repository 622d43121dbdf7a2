import { describe, expect, it } from 'vitest';
import { mapGraphError, parseGraphErrorBody } from '../src-agent/graph/graph-errors.js';

function body(code: string, message = 'message', innerCode?: string) {
  return parseGraphErrorBody({ error: { code, message, ...(innerCode ? { innerError: { code: innerCode } } : {}) } });
}

describe('mapGraphError', () => {
  const mailPath = 'https://graph.example/v1.0/users/u1/messages/m1';

  it('maps an Application Access Policy block to MAILBOX_ACCESS_DENIED', () => {
    const error = mapGraphError({ status: 403, body: body('ErrorAccessDenied', 'Access to OData is disabled.'), path: mailPath, mailbox: 'u1', requestId: 'r1' });

    expect(error.code).toBe('MAILBOX_ACCESS_DENIED');
    expect(error.details).toMatchObject({ mailbox: 'u1', problem: 'Access to OData is disabled.' });
    expect(error.requestId).toBe('r1');
    expect(error.status).toBe(403);
  });

  it('maps another 403 on mail to a missing Mail.ReadWrite', () => {
    const error = mapGraphError({ status: 403, body: body('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'), path: mailPath });

    expect(error.code).toBe('GRAPH_PERMISSION_MISSING');
    expect(error.details).toMatchObject({ permission: 'Mail.ReadWrite', graphCode: 'ErrorAccessDenied', mailbox: 'u1' });
  });

  it('maps Authorization_RequestDenied to a missing Directory.Read.All', () => {
    const error = mapGraphError({ status: 403, body: body('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), path: 'https://graph.example/v1.0/users' });

    expect(error.code).toBe('GRAPH_PERMISSION_MISSING');
    expect(error.details.permission).toBe('Directory.Read.All');
  });

  it.each([
    [404, 'MailboxNotEnabledForRESTAPI', undefined],
    [400, 'ErrorInvalidUser', 'MailboxNotEnabledForRESTAPI'],
  ])('maps %i %s (inner %s) to MAILBOX_NOT_ENABLED', (status, code, inner) => {
    const error = mapGraphError({ status, body: body(code, 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.', inner), path: mailPath });

    expect(error.code).toBe('MAILBOX_NOT_ENABLED');
    expect(error.details.mailbox).toBe('u1');
  });

  it.each([
    [410, 'Gone'],
    [400, 'syncStateNotFound'],
    [400, 'resyncRequired'],
  ])('maps %i %s to DELTA_RESYNC_REQUIRED', (status, code) => {
    const error = mapGraphError({ status, body: body(code), path: mailPath, location: 'https://graph.example/v1.0/delta?$deltatoken=' });

    expect(error.code).toBe('DELTA_RESYNC_REQUIRED');
    expect(error.details.location).toBe('https://graph.example/v1.0/delta?$deltatoken=');
  });

  it('maps 404 to the generic GRAPH_NOT_FOUND with the path', () => {
    const error = mapGraphError({ status: 404, body: body('ErrorItemNotFound', 'The specified object was not found in the store.'), path: `${mailPath}?$select=id` });

    expect(error.code).toBe('GRAPH_NOT_FOUND');
    expect(error.details).toMatchObject({ path: '/users/u1/messages/m1', graphCode: 'ErrorItemNotFound' });
  });

  it.each([
    [401, 'InvalidAuthenticationToken', 'GRAPH_TOKEN_REJECTED', false],
    [412, 'ErrorIrresolvableConflict', 'ETAG_MISMATCH', false],
    [429, 'TooManyRequests', 'GRAPH_THROTTLED', true],
    [500, 'ErrorMimeContentConversionFailed', 'MIME_CONVERSION_FAILED', false],
    [503, 'serviceNotAvailable', 'GRAPH_SERVICE_UNAVAILABLE', true],
    [500, 'ErrorInvalidOperation', 'GRAPH_SERVICE_UNAVAILABLE', false],
    [400, 'ErrorInvalidProperty', 'GRAPH_BAD_REQUEST', false],
    [302, 'Found', 'GRAPH_UNEXPECTED_RESPONSE', false],
  ])('maps %i %s to %s', (status, code, expected, retryable) => {
    const error = mapGraphError({ status, body: body(code, 'text'), path: mailPath, mailbox: 'u1' });

    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(retryable);
    expect(error.localize('de').message).not.toMatch(/\{\w+\}/);
    expect(error.localize('en').message).not.toMatch(/\{\w+\}/);
  });

  it('puts code and message into GRAPH_BAD_REQUEST', () => {
    const error = mapGraphError({ status: 400, body: body('ErrorInvalidProperty', 'Property categories is invalid.'), path: mailPath });

    expect(error.details).toMatchObject({ graphCode: 'ErrorInvalidProperty', problem: 'Property categories is invalid.' });
  });

  it('maps a body that is not Graph JSON by status', () => {
    const error = mapGraphError({ status: 400, body: parseGraphErrorBody('<html/>'), path: mailPath });

    expect(error.code).toBe('GRAPH_BAD_REQUEST');
    expect(error.details.graphCode).toBe('HTTP 400');
  });
});
