import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateThumbprints, loadCertificateCredential } from '../src-agent/auth/index.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import { redactText } from '../src-agent/log/redact.js';
import { createAppCertificate, generateRsaKeyPair, type AppCertificate } from './m365-sim/app-certificates.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let folder: string;
let keyPair: { privateKey: string; publicKey: string };
let valid: AppCertificate;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'cert-loader-'));
  keyPair = await generateRsaKeyPair();
  valid = await createAppCertificate({ keyPair });
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function files(name: string, certificate: string, key: string): Promise<{ certificateFile: string; privateKeyFile: string }> {
  const certificateFile = path.join(folder, `${name}.crt.pem`);
  const privateKeyFile = path.join(folder, `${name}.key.pem`);
  await writeFile(certificateFile, certificate);
  await writeFile(privateKeyFile, key, { mode: 0o600 });
  return { certificateFile, privateKeyFile };
}

async function loadFailure(certificateFile: string, privateKeyFile: string): Promise<ArchiverError> {
  try {
    await loadCertificateCredential(certificateFile, privateKeyFile);
  } catch (error) {
    if (error instanceof ArchiverError) return error;
    throw error;
  }
  throw new Error('expected loadCertificateCredential to fail');
}

describe('loadCertificateCredential', () => {
  it('reads a certificate and its key', async () => {
    const { certificateFile, privateKeyFile } = await files('valid', valid.certificatePem, valid.privateKeyPem);

    const credential = await loadCertificateCredential(certificateFile, privateKeyFile);

    const der = new X509Certificate(valid.certificatePem).raw;
    expect(credential.thumbprintSha1).toBe(createHash('sha1').update(der).digest('hex').toUpperCase());
    expect(credential.thumbprintSha256).toBe(createHash('sha256').update(der).digest('hex').toUpperCase());
    expect(credential.notAfter.toISOString()).toBe(new Date(new X509Certificate(valid.certificatePem).validTo).toISOString());
    expect(credential.subject).toContain('CN=M365 Mail Archiver');
    expect(credential.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('registers the key for redaction', async () => {
    const { certificateFile, privateKeyFile } = await files('redact', valid.certificatePem, valid.privateKeyPem);

    const credential = await loadCertificateCredential(certificateFile, privateKeyFile);

    expect(redactText(`key: ${credential.privateKeyPem}`)).toBe('key: [redacted]');
  });

  it('reads a combined PEM file', async () => {
    const combined = path.join(folder, 'combined.pem');
    await writeFile(combined, `${valid.privateKeyPem}\n${valid.certificatePem}`);

    const credential = await loadCertificateCredential(combined, combined);

    expect(credential.certificatePem).toContain('BEGIN CERTIFICATE');
  });

  it('converts a PKCS#1 key', async () => {
    const pkcs1 = createPrivateKey(valid.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
    const { certificateFile, privateKeyFile } = await files('pkcs1', valid.certificatePem, pkcs1);

    const credential = await loadCertificateCredential(certificateFile, privateKeyFile);

    expect(pkcs1).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(credential.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('rejects a missing file', async () => {
    const error = await loadFailure(path.join(folder, 'absent.pem'), path.join(folder, 'absent.key'));

    expect(error.code).toBe('CERTIFICATE_UNREADABLE');
    expect(error.details.path).toBe(path.join(folder, 'absent.pem'));
    expect(error.details.problem).toBe('the file does not exist');
  });

  // Root reads any file whatever its mode, so only another account can see this failure.
  const runsAsRoot = process.getuid?.() === 0;
  if (runsAsRoot) {
    console.log('auth-certificate-loader: "rejects an unreadable key file" skipped, because root can read a file of mode 000');
  }
  it.skipIf(runsAsRoot)('rejects an unreadable key file', async () => {
    const { certificateFile, privateKeyFile } = await files('noaccess', valid.certificatePem, valid.privateKeyPem);
    await chmod(privateKeyFile, 0o000);

    const error = await loadFailure(certificateFile, privateKeyFile);

    expect(error.code).toBe('CERTIFICATE_UNREADABLE');
    expect(error.details.problem).toBe("the agent's account may not read the file");
  });

  it('rejects a file without certificate', async () => {
    const { certificateFile, privateKeyFile } = await files('nocert', Buffer.from([0x30, 0x82, 0x01]).toString('latin1'), valid.privateKeyPem);

    const error = await loadFailure(certificateFile, privateKeyFile);

    expect(error.code).toBe('CERTIFICATE_UNREADABLE');
    expect(error.details.problem).toContain('no PEM certificate');
  });

  it('rejects a damaged certificate', async () => {
    const { certificateFile, privateKeyFile } = await files('damaged', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', valid.privateKeyPem);

    const error = await loadFailure(certificateFile, privateKeyFile);

    expect(error.code).toBe('CERTIFICATE_UNREADABLE');
    expect(error.details.problem).toContain('does not parse');
  });

  it('rejects a file without key', async () => {
    const { certificateFile, privateKeyFile } = await files('nokey', valid.certificatePem, valid.certificatePem);

    const error = await loadFailure(certificateFile, privateKeyFile);

    expect(error.code).toBe('CERTIFICATE_UNREADABLE');
    expect(error.details.path).toBe(privateKeyFile);
    expect(error.details.problem).toContain('no PEM private key');
  });

  it('rejects an encrypted key', async () => {
    const encrypted = await createAppCertificate({ keyPair, passphrase: 'Kennwort-1' });
    const { certificateFile, privateKeyFile } = await files('encrypted', encrypted.certificatePem, encrypted.privateKeyPem);

    const error = await loadFailure(certificateFile, privateKeyFile);

    expect(error.code).toBe('CERTIFICATE_UNREADABLE');
    expect(error.details.problem).toContain('encrypted with a password');
  });

  it('rejects an EC key', async () => {
    const ec = await createAppCertificate({ keyType: 'ec' });
    const { certificateFile, privateKeyFile } = await files('ec', ec.certificatePem, ec.privateKeyPem);

    const error = await loadFailure(certificateFile, privateKeyFile);

    expect(error.code).toBe('CERTIFICATE_UNREADABLE');
    expect(error.details.problem).toContain('the private key is ec');
  });

  it('rejects a short RSA key', async () => {
    const short = await createAppCertificate({ rsaBits: 1024 });
    const { certificateFile, privateKeyFile } = await files('short', short.certificatePem, short.privateKeyPem);

    const error = await loadFailure(certificateFile, privateKeyFile);

    expect(error.code).toBe('CERTIFICATE_UNREADABLE');
    expect(error.details.problem).toBe('the RSA key has 1024 bits; at least 2048 are needed');
  });

  it('rejects a key of another certificate', async () => {
    const other = await createAppCertificate();
    const { certificateFile, privateKeyFile } = await files('mismatch', valid.certificatePem, other.privateKeyPem);

    const error = await loadFailure(certificateFile, privateKeyFile);

    expect(error.code).toBe('CERTIFICATE_KEY_MISMATCH');
    expect(error.details).toEqual({ certificateFile, privateKeyFile });
    expect(error.localize('de').message).toContain('gehört nicht zum Zertifikat');
  });

  it('rejects an expired certificate', async () => {
    const expired = await createAppCertificate({ keyPair, notBefore: new Date(Date.now() - 400 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
    const { certificateFile, privateKeyFile } = await files('expired', expired.certificatePem, expired.privateKeyPem);

    const error = await loadFailure(certificateFile, privateKeyFile);

    expect(error.code).toBe('CERTIFICATE_EXPIRED');
    expect(error.details.notAfter).toBe(new Date(new X509Certificate(expired.certificatePem).validTo).toISOString());
    expect(error.details.thumbprint).toBe(certificateThumbprints(expired.certificatePem, 'test').sha1);
  });

  it('rejects a certificate not yet valid', async () => {
    const future = await createAppCertificate({ keyPair, notBefore: new Date(Date.now() + 2 * DAY_MS) });
    const { certificateFile, privateKeyFile } = await files('future', future.certificatePem, future.privateKeyPem);

    const error = await loadFailure(certificateFile, privateKeyFile);

    expect(error.code).toBe('CERTIFICATE_NOT_YET_VALID');
  });
});

describe('certificateThumbprints', () => {
  it('rejects text without certificate', () => {
    expect(() => certificateThumbprints('no certificate here', 'certificatePem')).toThrow(ArchiverError);
  });
});
