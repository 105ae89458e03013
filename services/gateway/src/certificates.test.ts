import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@esm/common';
import { certificateFiles, ensureCertificates } from './certificates.js';

const logger = createLogger('gateway-test', { level: 'silent' });
const DAY_MS = 24 * 60 * 60 * 1000;

describe('ensureCertificates', () => {
  let caDir: string;

  beforeEach(async () => {
    caDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'esm-ca-test-')), 'ca');
  });

  afterEach(async () => {
    await rm(path.dirname(caDir), { recursive: true, force: true });
  });

  it('first start creates CA and server certificate', async () => {
    const credentials = await ensureCertificates(caDir, { baseDomain: 'esm.localhost', logger });
    const files = certificateFiles(caDir);

    expect((await stat(files.caKey)).mode & 0o777).toBe(0o600);
    expect((await stat(files.serverKey)).mode & 0o777).toBe(0o600);
    const ca = new X509Certificate(await readFile(files.caCert, 'utf8'));
    const server = new X509Certificate(credentials.certPem);

    expect(ca.ca).toBe(true);
    expect(new Date(ca.validTo).getTime() - Date.now()).toBeGreaterThan(9.9 * 365 * DAY_MS);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.checkHost('demo.esm.localhost')).toBe('*.esm.localhost');
    expect(server.checkHost('esm.localhost')).toBe('esm.localhost');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkHost('demo.other.localhost')).toBeUndefined();
    expect(server.subjectAltName).toContain('DNS:*.esm.localhost');
    expect(ca.publicKey.asymmetricKeyType).toBe('ec');
  });

  it('second start reuses both certificates', async () => {
    const first = await ensureCertificates(caDir, { baseDomain: 'esm.localhost', logger });
    const second = await ensureCertificates(caDir, { baseDomain: 'esm.localhost', logger });

    expect(second.caCertPem).toBe(first.caCertPem);
    expect(second.certPem).toBe(first.certPem);
    expect(second.keyPem).toBe(first.keyPem);
  });

  it('certificate near expiry is renewed', async () => {
    const first = await ensureCertificates(caDir, { baseDomain: 'esm.localhost', logger });
    const nearExpiry = new Date(first.notAfter.getTime() - 29 * DAY_MS);
    const renewed = await ensureCertificates(caDir, { baseDomain: 'esm.localhost', logger, now: nearExpiry });

    expect(renewed.caCertPem).toBe(first.caCertPem);
    expect(renewed.certPem).not.toBe(first.certPem);
    expect(renewed.notAfter.getTime()).toBeGreaterThan(first.notAfter.getTime());
    const ca = new X509Certificate(renewed.caCertPem);
    expect(new X509Certificate(renewed.certPem).verify(ca.publicKey)).toBe(true);
  });

  it('certificate with 31 days left is kept', async () => {
    const first = await ensureCertificates(caDir, { baseDomain: 'esm.localhost', logger });
    const later = new Date(first.notAfter.getTime() - 31 * DAY_MS);
    const again = await ensureCertificates(caDir, { baseDomain: 'esm.localhost', logger, now: later });

    expect(again.certPem).toBe(first.certPem);
  });

  it('changed base domain gets a new certificate', async () => {
    const first = await ensureCertificates(caDir, { baseDomain: 'esm.localhost', logger });
    const changed = await ensureCertificates(caDir, { baseDomain: 'esm.example.test', logger });

    expect(changed.caCertPem).toBe(first.caCertPem);
    expect(new X509Certificate(changed.certPem).checkHost('demo.esm.example.test')).toBe('*.esm.example.test');
  });
});
