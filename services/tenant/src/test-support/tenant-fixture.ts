import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { authenticator } from 'otplib';
import pg from 'pg';
import { inject } from 'vitest';
import { createLogger, type SigningKey, type TenantSecret } from '@esm/common';
import {
  dropTenantDatabase,
  provisionTenantDatabase,
  type ProvisioningServer,
} from '../../../admin/src/provisioning/tenant-database.js';
import { buildTenantApp } from '../app.js';
import { prepareTenantDatabase } from '../prepare.js';
import { loadTenantKeys } from '../auth/signing-keys.js';
import { signAccessToken } from '../auth/access-token.js';
import type { AccessLevel } from '../auth/access-level.js';

/** The repository root, for fixtures outside the package. */
export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../..');

/** A provisioned, migrated tenant with its app, for one test file. */
export interface TestTenant {
  name: string;
  secret: TenantSecret;
  app: FastifyInstance;
  outbox: string;
  /** A pool of the superuser on the tenant database, for checks the app may not make. */
  admin: pg.Pool;
  close(): Promise<void>;
}

export function provisioningServer(): ProvisioningServer {
  return { id: 'test', ...inject('postgres'), database: 'postgres' };
}

/** Generates a P-521 signing key as the admin service does. */
export function generateSigningKey(kid = `key-${randomBytes(4).toString('hex')}`): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-521' });
  return {
    kid,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    createdAt: new Date().toISOString(),
  };
}

/** Provisions a database for a fresh tenant, runs the migrations and the invitation, and builds the app. */
export async function createTestTenant(prefix: string, options: { firstAdministratorMobile?: string } = {}): Promise<TestTenant> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  const server = provisioningServer();
  const logins = await provisionTenantDatabase(server, name);
  const outbox = await mkdtemp(path.join(os.tmpdir(), 'esm-tenant-outbox-'));
  const secret: TenantSecret = {
    tenant: name,
    origin: `https://${name}.esm.test`,
    database: logins,
    signingKeys: [generateSigningKey()],
    mail: { from: 'ESM <noreply@esm.test>', outboxDir: outbox },
    sms: { provider: 'outbox', outboxDir: outbox },
    firstAdministrator: { email: `Admin@${name}.example`, locale: 'sv', mobile: options.firstAdministratorMobile },
  };
  const logger = createLogger('tenant-test', { level: process.env.ESM_TEST_LOG_LEVEL ?? 'silent' });
  await prepareTenantDatabase(secret, logger);
  const app = await buildTenantApp(secret, { logger });
  const admin = new pg.Pool({ ...inject('postgres'), database: logins.owner.database, max: 2 });
  // pool.end() can resolve before the server has closed an idle connection.
  // Dropping the database then terminates it (57P01), and the idle client reports
  // that as a pool error, which would fail the run without a listener.
  admin.on('error', () => undefined);
  return {
    name,
    secret,
    app,
    outbox,
    admin,
    async close() {
      await app.close();
      await admin.end();
      await dropTenantDatabase(server, name);
      await rm(outbox, { recursive: true, force: true });
    },
  };
}

/** Reads the recipient, subject and plain-text body of each e-mail in an outbox folder. */
export async function readOutbox(outbox: string): Promise<{ to: string; subject: string; text: string }[]> {
  const files = (await readdir(outbox)).filter((file) => file.endsWith('.eml')).sort();
  return Promise.all(
    files.map(async (file) => {
      const mail = await simpleParser(await readFile(path.join(outbox, file)));
      const to = Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text;
      return { to: to ?? '', subject: mail.subject ?? '', text: mail.text ?? '' };
    }),
  );
}

/** Extracts the invitation token from an e-mail's link. */
export function invitationTokenFrom(text: string): string {
  const match = /\/invite\/([A-Za-z0-9_-]+)/.exec(text);
  if (!match?.[1]) throw new Error('no invitation link in the e-mail');
  return match[1];
}

/**
 * Generates the TOTP code of `stepsAhead` steps from now. Tests use the next step when the
 * current one was just used, because a code is accepted once only.
 */
export function totpCode(secret: string, stepsAhead = 0): string {
  return authenticator.clone({ epoch: Date.now() + stepsAhead * 30_000 }).generate(secret);
}

/**
 * Inserts an active user and a session directly and signs a token for them,
 * for tests about access rather than sign-in.
 */
export async function createUserWithToken(
  tenant: TestTenant,
  accessLevel: AccessLevel,
): Promise<{ id: string; email: string; token: string; sessionId: string }> {
  const email = `${accessLevel}-${randomBytes(3).toString('hex')}@example.test`;
  const result = await tenant.admin.query<{ id: string }>(
    `INSERT INTO esm.users (email, access_level, status, totp_enabled, activated_at) VALUES ($1, $2, 'active', true, now()) RETURNING id`,
    [email, accessLevel],
  );
  const id = result.rows[0]!.id;
  const sessionId = await createTestSession(tenant, id);
  const { token } = await signAccessToken(
    loadTenantKeys(tenant.secret.signingKeys),
    { tenant: tenant.name, origin: tenant.secret.origin },
    { id, email, accessLevel },
    sessionId,
  );
  return { id, email, token, sessionId };
}

/** Inserts a session of a user that ends in 7 days, without a refresh token, and returns its id. */
export async function createTestSession(tenant: TestTenant, userId: string): Promise<string> {
  const result = await tenant.admin.query<{ id: string }>(
    "INSERT INTO esm.sessions (user_id, expires_at) VALUES ($1, now() + interval '7 days') RETURNING id",
    [userId],
  );
  return result.rows[0]!.id;
}

/** Counts rows of a table in the tenant's schema. */
export async function countRows(tenant: TestTenant, table: 'objects' | 'relations' | 'audit_entries' | 'users' | 'invitations' | 'sessions' | 'refresh_tokens'): Promise<number> {
  const result = await tenant.admin.query<{ count: number }>(`SELECT count(*)::int AS count FROM esm.${table}`);
  return result.rows[0]!.count;
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
