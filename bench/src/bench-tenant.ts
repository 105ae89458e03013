import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger, type SigningKey, type TenantSecret } from '@esm/common';
import { dropTenantDatabase, provisionTenantDatabase, type ProvisioningServer } from '@esm/admin/dist/provisioning/tenant-database.js';
import { prepareTenantDatabase } from '@esm/tenant/dist/prepare.js';
import { createAppPool } from '@esm/tenant/dist/db/pool.js';
import { withTransaction, type DatabaseAccess, type Transaction } from '@esm/tenant/dist/db/transaction.js';
import { signAccessToken } from '@esm/tenant/dist/auth/access-token.js';
import { loadTenantKeys, type TenantKeys } from '@esm/tenant/dist/auth/signing-keys.js';
import type { AccessLevel } from '@esm/tenant/dist/auth/access-level.js';

/** A user that the benchmark inserted directly, with a session that lasts a day. */
export interface BenchUser {
  id: string;
  email: string;
  accessLevel: AccessLevel;
  sessionId: string;
}

/** A provisioned and migrated tenant database with the secret a tenant process needs. */
export interface BenchTenant {
  name: string;
  secret: TenantSecret;
  /** The secret as a file, mode 0600, for the tenant server process. */
  secretFile: string;
  keys: TenantKeys;
  /** A pool of the owner login, for seeding and for reading figures. */
  owner: pg.Pool;
  /** A pool of the app login, for calling the tenant's own functions directly. */
  database: DatabaseAccess;
  createUser(accessLevel: AccessLevel): Promise<BenchUser>;
  /** Signs a new 15-minute access token for the user. */
  signToken(user: BenchUser): Promise<string>;
  /** Runs `work` in a transaction of the app login, as a request of a write user would. */
  transaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Provisions a database for a new tenant on `server` the way admin does,
 * runs the tenant's migrations and writes its secret to a private file.
 */
export async function createBenchTenant(server: ProvisioningServer, prefix: string): Promise<BenchTenant> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  const folder = await mkdtemp(path.join(os.tmpdir(), `esm-${name}-`));
  const logins = await provisionTenantDatabase(server, name);
  const secret: TenantSecret = {
    tenant: name,
    origin: `https://${name}.esm.test`,
    database: logins,
    signingKeys: [generateSigningKey()],
    mail: { from: 'ESM <noreply@esm.test>', outboxDir: folder },
    sms: { provider: 'outbox', outboxDir: folder },
    firstAdministrator: { email: `admin@${name}.example`, locale: 'sv' },
  };
  const logger = createLogger('bench-tenant', { level: 'warn' });
  await prepareTenantDatabase(secret, logger);

  const secretFile = path.join(folder, 'secret.json');
  await writeFile(secretFile, JSON.stringify(secret), { mode: 0o600 });
  await chmod(secretFile, 0o600);

  const owner = new pg.Pool({ ...logins.owner, max: 4, application_name: 'esm-bench-seed' });
  const database: DatabaseAccess = { pool: createAppPool(logins.app, logger), readOnlyRole: logins.readOnly.user };
  const keys = loadTenantKeys(secret.signingKeys);

  return {
    name,
    secret,
    secretFile,
    keys,
    owner,
    database,
    createUser: (accessLevel) => insertUser(owner, accessLevel),
    async signToken(user) {
      const audience = { tenant: name, origin: secret.origin };
      return (await signAccessToken(keys, audience, user, user.sessionId)).token;
    },
    transaction: (work) => withTransaction(database, { readOnly: false }, work),
    async close() {
      await database.pool.end();
      await owner.end();
      await dropTenantDatabase(server, name);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Generates a P-521 signing key, the curve ES512 needs, as admin does for a new tenant. */
function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-521' });
  return {
    kid: `bench-${randomBytes(4).toString('hex')}`,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    createdAt: new Date().toISOString(),
  };
}

/** Inserts an active user with a session, skipping sign-in, which the benchmark does not measure. */
async function insertUser(owner: pg.Pool, accessLevel: AccessLevel): Promise<BenchUser> {
  const email = `${accessLevel}-${randomBytes(3).toString('hex')}@bench.example`;
  const user = await owner.query<{ id: string }>(
    `INSERT INTO esm.users (email, access_level, status, totp_enabled, activated_at) VALUES ($1, $2, 'active', true, now()) RETURNING id`,
    [email, accessLevel],
  );
  const id = user.rows[0]!.id;
  const session = await owner.query<{ id: string }>(
    "INSERT INTO esm.sessions (user_id, expires_at) VALUES ($1, now() + interval '1 day') RETURNING id",
    [id],
  );
  return { id, email, accessLevel, sessionId: session.rows[0]!.id };
}
