import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ArchiverError } from '../errors/index.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads a PEM file with one or more certificates, for example the root of a TLS-inspecting proxy.
 * Anything outside the certificate blocks (comments, bundle headers) is ignored.
 *
 * @throws ArchiverError EXTRA_CA_UNREADABLE when the file cannot be read, holds no certificate,
 *   or holds a block that does not parse as an X.509 certificate.
 */
export async function loadExtraCa(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ArchiverError('EXTRA_CA_UNREADABLE', { details: { path }, cause: error });
  }

  const certificates = text.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) {
    throw new ArchiverError('EXTRA_CA_UNREADABLE', { details: { path } });
  }
  for (const certificate of certificates) {
    try {
      new X509Certificate(certificate);
    } catch (error) {
      throw new ArchiverError('EXTRA_CA_UNREADABLE', { details: { path }, cause: error });
    }
  }
  return certificates;
}
