// @peculiar/x509 resolves its ASN.1 serializers through tsyringe, which needs
// a Reflect metadata polyfill loaded before the library (see its README).
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import type { Logger } from '@esm/common';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
const CA_VALIDITY_DAYS = 3650;
// 397 days is the longest validity that browsers accept from public CAs. A
// local CA is exempt, but staying under the limit keeps working if that changes.
const SERVER_VALIDITY_DAYS = 397;
/** The server certificate is renewed when it expires within this many days. */
export const SERVER_RENEWAL_DAYS = 30;
// Backdating notBefore tolerates a client clock that is a little behind.
const BACKDATE_MS = 5 * 60 * 1000;

/** Key and certificate files of the gateway's local CA and its server certificate. */
export function certificateFiles(caDir: string) {
  return {
    caKey: path.join(caDir, 'ca.key'),
    caCert: path.join(caDir, 'ca.crt'),
    serverKey: path.join(caDir, 'server.key'),
    serverCert: path.join(caDir, 'server.crt'),
  };
}

/** PEM texts that the HTTPS server needs, plus the CA certificate for clients to trust. */
export interface ServerCredentials {
  keyPem: string;
  certPem: string;
  caCertPem: string;
  /** When the server certificate expires. */
  notAfter: Date;
}

export interface EnsureCertificatesOptions {
  /** The base domain; the certificate covers it and `*.<baseDomain>`. */
  baseDomain: string;
  logger: Logger;
  /** The current time; tests move it forward to trigger a renewal. */
  now?: Date;
}

interface KeyAndCertificate {
  keys: webcrypto.CryptoKeyPair;
  certificate: x509.X509Certificate;
}

/**
 * Loads the local CA and the server certificate from `caDir`, and creates the
 * CA on first start. A new server certificate is issued when there is none,
 * when it expires within SERVER_RENEWAL_DAYS days, when it does not cover the
 * base domain, or when the current CA did not sign it.
 */
export async function ensureCertificates(caDir: string, options: EnsureCertificatesOptions): Promise<ServerCredentials> {
  const now = options.now ?? new Date();
  const files = certificateFiles(caDir);
  await mkdir(caDir, { recursive: true, mode: 0o700 });

  let ca = await loadKeyAndCertificate(files.caKey, files.caCert);
  if (!ca || ca.certificate.notAfter.getTime() <= now.getTime()) {
    options.logger.warn({ caDir }, ca ? 'local CA expired, creating a new one' : 'creating local CA');
    ca = await createCertificateAuthority(now);
    await writeKeyAndCertificate(files.caKey, files.caCert, ca);
  }

  const dnsNames = serverDnsNames(options.baseDomain);
  const server = await loadKeyAndCertificate(files.serverKey, files.serverCert);
  if (server && (await isServerCertificateUsable(server.certificate, ca.certificate, dnsNames, now))) {
    return await toServerCredentials(server, ca.certificate);
  }

  options.logger.info({ caDir, dnsNames }, 'issuing server certificate');
  const issued = await issueServerCertificate(ca, dnsNames, now);
  await writeKeyAndCertificate(files.serverKey, files.serverCert, issued);
  return await toServerCredentials(issued, ca.certificate);
}

/** The DNS names the server certificate must cover. */
export function serverDnsNames(baseDomain: string): string[] {
  return [`*.${baseDomain}`, baseDomain, 'localhost'];
}

async function createCertificateAuthority(now: Date): Promise<KeyAndCertificate> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: `CN=ESM local CA ${now.toISOString().slice(0, 10)}, O=ESM`,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      // pathLength 0: the CA signs server certificates only, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { keys, certificate };
}

async function issueServerCertificate(ca: KeyAndCertificate, dnsNames: string[], now: Date): Promise<KeyAndCertificate> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: `CN=${dnsNames[1] ?? dnsNames[0]}`,
    issuer: ca.certificate.subject,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + SERVER_VALIDITY_DAYS * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: 'dns' as const, value }))),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  return { keys, certificate };
}

async function isServerCertificateUsable(
  certificate: x509.X509Certificate,
  caCertificate: x509.X509Certificate,
  dnsNames: string[],
  now: Date,
): Promise<boolean> {
  if (certificate.notAfter.getTime() - now.getTime() < SERVER_RENEWAL_DAYS * DAY_MS) return false;
  const signedByCa = await certificate.verify({ publicKey: caCertificate, signatureOnly: true });
  if (!signedByCa) return false;
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  const covered = new Set(san?.names.items.filter((item) => item.type === 'dns').map((item) => item.value.toLowerCase()));
  return dnsNames.every((name) => covered.has(name.toLowerCase()));
}

/** Reads a PKCS#8 key and its certificate; returns null when either file is missing. */
async function loadKeyAndCertificate(keyFile: string, certFile: string): Promise<KeyAndCertificate | null> {
  let keyPem: string;
  let certPem: string;
  try {
    [keyPem, certPem] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const certificate = new x509.X509Certificate(certPem);
  const privateKey = await webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decodeFirst(keyPem),
    KEY_ALGORITHM,
    true,
    ['sign'],
  );
  const publicKey = await certificate.publicKey.export(KEY_ALGORITHM, ['verify']);
  return { keys: { privateKey, publicKey }, certificate };
}

/** Writes the key (mode 0600) and the certificate under temporary names and renames them into place. */
async function writeKeyAndCertificate(keyFile: string, certFile: string, value: KeyAndCertificate): Promise<void> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', value.keys.privateKey);
  await writeAtomically(keyFile, x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), 0o600);
  await writeAtomically(certFile, value.certificate.toString('pem') + '\n', 0o644);
}

async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, text, { mode, flag: 'wx' });
  // writeFile applies the umask to `mode`, so chmod sets the exact mode.
  await chmod(temporary, mode);
  await rename(temporary, file);
}

async function toServerCredentials(server: KeyAndCertificate, caCertificate: x509.X509Certificate): Promise<ServerCredentials> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', server.keys.privateKey);
  return {
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
    certPem: server.certificate.toString('pem'),
    caCertPem: caCertificate.toString('pem'),
    notAfter: server.certificate.notAfter,
  };
}

/** Returns a random positive 128-bit serial number in hex. The leading byte stays below 0x80, so DER needs no sign padding. */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}
