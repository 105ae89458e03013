import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { authenticator } from 'otplib';
import { hashPassword } from '../auth/password.js';
import type { Transaction } from '../db/transaction.js';
import type { TestTenant } from './tenant-fixture.js';

/** A user inserted for sign-in tests, with the credentials a test signs in with. */
export interface SignInUser {
  id: string;
  email: string;
  password: string;
  totpSecret: string;
}

let nextAddress = 1;

/**
 * Returns a client address no other request in this process used, from the
 * 198.18.0.0/15 benchmarking range. Tests send it as X-Forwarded-For, so the
 * per-address rate limit of 30 sign-in requests a minute counts each test
 * on its own.
 */
export function freshClientAddress(): string {
  const index = nextAddress++;
  return `198.18.${Math.floor(index / 250)}.${(index % 250) + 1}`;
}

/** Inserts an active user with a bcrypt password and a TOTP secret, as an accepted invitation leaves it. */
export async function createSignInUser(
  tenant: TestTenant,
  options: { password?: string; mobile?: string; locale?: 'en' | 'sv'; email?: string } = {},
): Promise<SignInUser> {
  const email = options.email ?? `user-${randomBytes(4).toString('hex')}@${tenant.name}.example`;
  const password = options.password ?? `correct horse ${randomBytes(4).toString('hex')}`;
  const totpSecret = authenticator.generateSecret(20);
  const result = await tenant.admin.query<{ id: string }>(
    `INSERT INTO esm.users (email, password_hash, totp_secret, totp_enabled, access_level, status, mobile, locale, activated_at)
     VALUES ($1, $2, $3, true, 'write', 'active', $4, $5, now()) RETURNING id`,
    [email, await hashPassword(password), totpSecret, options.mobile ?? null, options.locale ?? 'en'],
  );
  return { id: result.rows[0]!.id, email, password, totpSecret };
}

/** Sends sign-in step 1 from `address`. */
export function postPassword(tenant: TestTenant, email: string, password: string, address: string): Promise<LightMyRequestResponse> {
  return tenant.app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: { 'x-forwarded-for': address },
    payload: { email, password },
  });
}

/** Sends a POST with a JSON body from `address`. */
export function postFrom(tenant: TestTenant, url: string, payload: object, address: string): Promise<LightMyRequestResponse> {
  return tenant.app.inject({ method: 'POST', url, headers: { 'x-forwarded-for': address }, payload });
}

/** Passes step 1 with the user's password and returns the challenge. */
export async function startSignIn(tenant: TestTenant, user: SignInUser, address = freshClientAddress()): Promise<string> {
  const response = await postPassword(tenant, user.email, user.password, address);
  if (response.statusCode !== 200) throw new Error(`password step failed: ${response.statusCode} ${response.body}`);
  return response.json<{ challenge: string }>().challenge;
}

/** Generates the TOTP code of the 30-second step `stepsAhead` steps from now. */
export function totpCodeAt(secret: string, stepsAhead = 0): string {
  return authenticator.clone({ epoch: Date.now() + stepsAhead * 30_000 }).generate(secret);
}

/** Reads the `-sms.txt` files of an outbox folder in sending order. */
export async function readSmsOutbox(outbox: string): Promise<{ file: string; to: string; text: string }[]> {
  const files = (await readdir(outbox)).filter((file) => file.endsWith('-sms.txt')).sort();
  return Promise.all(
    files.map(async (file) => {
      const content = await readFile(path.join(outbox, file), 'utf8');
      const [header = '', ...body] = content.split('\n\n');
      return { file: path.join(outbox, file), to: header.replace(/^To: /, ''), text: body.join('\n\n').trim() };
    }),
  );
}

/** Extracts the six-digit code from an SMS or e-mail text. */
export function codeFrom(text: string): string {
  // The last six digits standing alone: the tenant's name, which the text
  // names first, may end in six digits of its own (test tenants get a random hex suffix).
  const match = /\b(\d{6})\b(?![\s\S]*\b\d{6}\b)/.exec(text);
  if (!match?.[1]) throw new Error(`no code in: ${text}`);
  return match[1];
}

/** Reads the audit entries of an action, oldest first. */
export async function auditEntries(tenant: TestTenant, action: string) {
  const result = await tenant.admin.query<{ actor_id: string | null; actor_email: string | null; entity_id: string | null; after: Record<string, unknown>; client_address: string }>(
    'SELECT actor_id, actor_email, entity_id, after, client_address FROM esm.audit_entries WHERE action = $1 ORDER BY id',
    [action],
  );
  return result.rows;
}

/** Runs domain functions directly on the tenant's schema with the superuser, for setting up states. */
export async function withTenantClient<T>(tenant: TestTenant, work: (client: Transaction) => Promise<T>): Promise<T> {
  const client = await tenant.admin.connect();
  try {
    await client.query('SET search_path = esm');
    return await work(client);
  } finally {
    await client.query('RESET search_path');
    client.release();
  }
}
