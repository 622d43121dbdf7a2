import { generate } from 'selfsigned';

/** A test CA and a server certificate it signed for 127.0.0.1, ::1 and localhost. */
export interface TestCertificates {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

let cached: Promise<TestCertificates> | undefined;

/**
 * Creates (once per test process) a CA and a server certificate signed by it. Tests trust the CA
 * through the dispatcher's `extraCaPem`, never through NODE_TLS_REJECT_UNAUTHORIZED or
 * NODE_EXTRA_CA_CERTS, so the code under test verifies certificates exactly as in production.
 */
export function testCertificates(): Promise<TestCertificates> {
  cached ??= createCertificates();
  return cached;
}

async function createCertificates(): Promise<TestCertificates> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 7 * 24 * 3600_000);

  const ca = await generate([{ name: 'commonName', value: 'M365 Mail Archiver test CA' }], {
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
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
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

  return { caPem: ca.cert, serverCertPem: server.cert, serverKeyPem: server.private };
}
