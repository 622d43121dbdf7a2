import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ArchiverError } from '../errors/index.js';
import { registerSecret } from '../log/redact.js';

/** A certificate credential read from PEM files and checked against itself and the clock. */
export interface CertificateCredential {
  /** Every certificate of the certificate file, the app's certificate first. */
  certificatePem: string;
  /** The private key as unencrypted PKCS#8 PEM, registered for log redaction. */
  privateKeyPem: string;
  /** SHA-1 thumbprint in upper-case hex, as the Entra admin center lists it under "Certificates". */
  thumbprintSha1: string;
  /** SHA-256 thumbprint in upper-case hex, which MSAL sends in the `x5t#S256` header. */
  thumbprintSha256: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PEM_PRIVATE_KEY = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;
// jsonwebtoken, which MSAL Node uses to sign the assertion, rejects RSA keys below 2048 bits.
const MIN_RSA_BITS = 2048;

/**
 * Reads a certificate credential from two PEM files, which may be one and the same file.
 * MSAL signs the client assertion with PS256, so the key must be an unencrypted RSA key of at
 * least 2048 bits that belongs to the first certificate of the certificate file.
 *
 * @throws ArchiverError CERTIFICATE_UNREADABLE when a file cannot be read or contains no usable
 *   certificate or key, CERTIFICATE_KEY_MISMATCH when the key belongs to another certificate,
 *   CERTIFICATE_EXPIRED after the certificate's end date and CERTIFICATE_NOT_YET_VALID before
 *   its start date.
 */
export async function loadCertificateCredential(certificateFile: string, privateKeyFile: string, now: Date = new Date()): Promise<CertificateCredential> {
  const certificateText = await readPem(certificateFile);
  const keyText = path.resolve(privateKeyFile) === path.resolve(certificateFile) ? certificateText : await readPem(privateKeyFile);

  const certificates = certificateText.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) {
    throw unreadable(certificateFile, 'the file contains no PEM certificate ("-----BEGIN CERTIFICATE-----"); convert a .pfx or .cer file to PEM first');
  }
  const certificate = parseCertificate(certificates[0]!, certificateFile);
  const key = parsePrivateKey(keyText, privateKeyFile);

  if (!certificate.checkPrivateKey(key)) {
    throw new ArchiverError('CERTIFICATE_KEY_MISMATCH', { details: { certificateFile, privateKeyFile } });
  }
  const credential = describe(certificate, certificates.join('\n'), key);
  checkValidity(credential, certificateFile, now);
  return credential;
}

/**
 * Computes the SHA-1 and SHA-256 thumbprints of the first certificate in `certificatePem`, in
 * upper-case hex. `source` names the certificate in the error.
 *
 * @throws ArchiverError CERTIFICATE_UNREADABLE when no certificate parses.
 */
export function certificateThumbprints(certificatePem: string, source: string): { sha1: string; sha256: string } {
  const first = certificatePem.match(PEM_CERTIFICATE)?.[0];
  if (first === undefined) {
    throw unreadable(source, 'it contains no PEM certificate');
  }
  const certificate = parseCertificate(first, source);
  return { sha1: hexThumbprint(certificate.fingerprint), sha256: hexThumbprint(certificate.fingerprint256) };
}

async function readPem(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw unreadable(file, describeReadError(error), error);
  }
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EACCES' || code === 'EPERM') return "the agent's account may not read the file";
  return String(code ?? error);
}

function parseCertificate(pem: string, file: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw unreadable(file, `the certificate does not parse (${(error as Error).message})`, error);
  }
}

function parsePrivateKey(text: string, file: string): KeyObject {
  const block = PEM_PRIVATE_KEY.exec(text);
  if (!block) {
    throw unreadable(file, 'the file contains no PEM private key ("-----BEGIN PRIVATE KEY-----")');
  }
  if (block[1] === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(block[0])) {
    throw unreadable(file, 'the private key is encrypted with a password, which MSAL cannot use; export it without one and protect the file with file permissions instead');
  }

  let key: KeyObject;
  try {
    key = createPrivateKey(block[0]);
  } catch (error) {
    throw unreadable(file, `the private key does not parse (${(error as Error).message})`, error);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw unreadable(file, `the private key is ${key.asymmetricKeyType ?? 'of an unknown type'}, but the agent signs with PS256, which needs an RSA key`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw unreadable(file, `the RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are needed`);
  }
  return key;
}

function describe(certificate: X509Certificate, certificatePem: string, key: KeyObject): CertificateCredential {
  const privateKeyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  registerSecret(privateKeyPem);
  return {
    certificatePem,
    privateKeyPem,
    thumbprintSha1: hexThumbprint(certificate.fingerprint),
    thumbprintSha256: hexThumbprint(certificate.fingerprint256),
    subject: certificate.subject,
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
  };
}

function checkValidity(credential: CertificateCredential, file: string, now: Date): void {
  const details = { path: file, thumbprint: credential.thumbprintSha1 };
  if (now.getTime() > credential.notAfter.getTime()) {
    throw new ArchiverError('CERTIFICATE_EXPIRED', { details: { ...details, notAfter: credential.notAfter.toISOString() } });
  }
  if (now.getTime() < credential.notBefore.getTime()) {
    throw new ArchiverError('CERTIFICATE_NOT_YET_VALID', { details: { ...details, notBefore: credential.notBefore.toISOString() } });
  }
}

/** Turns Node's "AB:CD:..." fingerprint into the plain hex form that portals and MSAL use. */
function hexThumbprint(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toUpperCase();
}

function unreadable(file: string, problem: string, cause?: unknown): ArchiverError {
  return new ArchiverError('CERTIFICATE_UNREADABLE', { details: { path: file, problem }, cause });
}
