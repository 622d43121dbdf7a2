/**
 * The simulator's TLS material: a CA made at start and a server certificate it signs for
 * 127.0.0.1, ::1 and localhost. Clients trust the CA (written to `caFile`) instead of turning off
 * certificate checks.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** Folder with ca.pem, removed when the simulator closes. */
  directory: string;
  caFile: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Makes a CA and a server certificate with EC P-256 keys, which generate in milliseconds. */
export async function generateCertificates(): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const notAfterDate = new Date(Date.now() + 30 * DAY_MS);
  const ca = await generate([{ name: 'commonName', value: 'M365 Simulator Test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });

  return { caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}

/** Makes the certificates and writes the CA to a file that clients can be pointed at. */
export async function createTlsMaterial(): Promise<TlsMaterial> {
  const certificates = await generateCertificates();
  const directory = await mkdtemp(join(tmpdir(), 'm365-sim-'));
  const caFile = join(directory, 'ca.pem');
  await writeFile(caFile, certificates.caPem, { mode: 0o600 });
  return { ...certificates, directory, caFile };
}
