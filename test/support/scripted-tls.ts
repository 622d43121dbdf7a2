import { generateCertificates } from '../m365-sim/tls.js';

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
  const { caPem, certPem, keyPem } = await generateCertificates();
  return { caPem, serverCertPem: certPem, serverKeyPem: keyPem };
}
