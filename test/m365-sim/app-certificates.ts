/**
 * Certificates for certificate credentials in tests: a self-signed RSA certificate with its key,
 * as an admin would create one and upload its public part to the app registration.
 */
import { generateKeyPair, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { generate } from 'selfsigned';
import type { SimulatorApp } from './types.js';

const generateKeyPairAsync = promisify(generateKeyPair);
const DAY_MS = 24 * 60 * 60 * 1000;

export type AppCertificateRegistration = NonNullable<SimulatorApp['certificates']>[number];

export interface AppCertificate {
  certificatePem: string;
  /** PKCS#8 PEM, encrypted when a passphrase was given. */
  privateKeyPem: string;
  /** The entry for `SimulatorApp.certificates`, valid over the certificate's own validity period. */
  registration: AppCertificateRegistration;
}

export interface AppCertificateOptions {
  commonName?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** RSA modulus length; 2048 unless set. */
  rsaBits?: number;
  keyType?: 'rsa' | 'ec';
  /** Reuse a key pair (PEM), which saves the time of generating an RSA key. */
  keyPair?: { privateKey: string; publicKey: string };
  /** Encrypt the private key with this passphrase. */
  passphrase?: string;
}

/** Generates an RSA key pair in PEM off the main thread. */
export async function generateRsaKeyPair(bits = 2048): Promise<{ privateKey: string; publicKey: string }> {
  return generateKeyPairAsync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** Creates a self-signed certificate, valid from a day ago for a year unless the options set the dates. */
export async function createAppCertificate(options: AppCertificateOptions = {}): Promise<AppCertificate> {
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY_MS);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + 365 * DAY_MS);
  const keyType = options.keyType ?? 'rsa';
  const keyPair = options.keyPair ?? (keyType === 'rsa' ? await generateRsaKeyPair(options.rsaBits) : undefined);

  const generated = await generate([{ name: 'commonName', value: options.commonName ?? 'M365 Mail Archiver' }], {
    keyType,
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    ...(keyPair ? { keyPair } : {}),
    ...(options.passphrase ? { passphrase: options.passphrase } : {}),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
    ],
  });

  return {
    certificatePem: generated.cert,
    privateKeyPem: generated.private,
    registration: {
      certificatePem: generated.cert,
      keyId: randomUUID(),
      displayName: `CN=${options.commonName ?? 'M365 Mail Archiver'}`,
      startDateTime: notBefore.toISOString(),
      endDateTime: notAfter.toISOString(),
    },
  };
}
