import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminBaseUrl, withSmtpPassword } from '@esm/common';
import { resolvePlatformConfig } from '../../services/platform/src/config.js';

describe('admin URL setting', () => {
  it('defaults to the bind host and admin port', () => {
    const config = resolvePlatformConfig({ ESM_BIND_HOST: '127.0.0.2', ESM_ADMIN_PORT: '9600' });
    expect(config.adminUrl).toBe('http://127.0.0.2:9600');
    expect(adminBaseUrl(config)).toBe('http://127.0.0.2:9600');
  });

  it('ESM_ADMIN_URL names the admin Service', () => {
    const config = resolvePlatformConfig({ ESM_BIND_HOST: '0.0.0.0', ESM_ADMIN_URL: 'http://admin.esm.svc:8600' });
    expect(adminBaseUrl(config)).toBe('http://admin.esm.svc:8600');
  });

  it('URL with a path is rejected', () => {
    expect(() => resolvePlatformConfig({ ESM_ADMIN_URL: 'http://admin.esm.svc:8600/v1' })).toThrow(/ESM_ADMIN_URL/);
    expect(() => resolvePlatformConfig({ ESM_ADMIN_URL: 'ftp://admin' })).toThrow(/ESM_ADMIN_URL/);
  });

  it('IPv6 bind host is bracketed', () => {
    expect(adminBaseUrl({ bindHost: '::1', ports: { admin: 8600 } } as Parameters<typeof adminBaseUrl>[0])).toBe('http://[::1]:8600');
  });
});

describe('SMTP password file', () => {
  let folder: string;
  let passwordFile: string;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'esm-smtp-'));
    passwordFile = path.join(folder, 'password');
    await writeFile(passwordFile, 's3cret-from-file\n', { mode: 0o600 });
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('config keeps only the file path', () => {
    const config = resolvePlatformConfig({ ESM_SMTP_URL: 'smtp://esm@mail.example:587', ESM_SMTP_PASSWORD_FILE: passwordFile });
    expect(config.mail.smtp).toEqual({ host: 'mail.example', port: 587, secure: false, user: 'esm', password: undefined, passwordFile });
    expect(JSON.stringify(config)).not.toContain('s3cret');
  });

  it('tenant mail settings carry the password', () => {
    const config = resolvePlatformConfig({ ESM_SMTP_URL: 'smtp://esm@mail.example:587', ESM_SMTP_PASSWORD_FILE: passwordFile });
    const mail = withSmtpPassword(config.mail);
    expect(mail.smtp?.password).toBe('s3cret-from-file');
    expect(mail.smtp?.passwordFile).toBeUndefined();
  });

  it('password in both places is rejected', () => {
    expect(() => resolvePlatformConfig({ ESM_SMTP_URL: 'smtp://esm:inline@mail.example', ESM_SMTP_PASSWORD_FILE: passwordFile })).toThrow(/password in the file only/);
  });

  it('file without a server is rejected', () => {
    expect(() => resolvePlatformConfig({ ESM_SMTP_PASSWORD_FILE: passwordFile })).toThrow(/ESM_SMTP_URL/);
  });

  it('missing file is rejected', () => {
    expect(() => resolvePlatformConfig({ ESM_SMTP_URL: 'smtp://esm@mail.example', ESM_SMTP_PASSWORD_FILE: path.join(folder, 'none') })).toThrow(/does not exist/);
  });
});
