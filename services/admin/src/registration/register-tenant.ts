import { createHash } from 'node:crypto';
import type pg from 'pg';
import { AppError, COMMON_ERRORS, randomSecret } from '@esm/common';
import { ADMIN_ERRORS } from '../errors.js';
import { insertDeploymentToken } from '../registry/deployment-store.js';
import { insertTenant, type Actor } from '../registry/tenant-store.js';
import { withTransaction } from '../registry/transaction.js';
import { hasUnsupportedLocale, REGISTRATION_FIELD_CODES, validateRegistration } from './validate-registration.js';

/** Result of a successful registration. The token appears here once and is stored only as its digest. */
export interface Registration {
  tenantName: string;
  deploymentToken: string;
  expiresAt: string;
}

/**
 * Validates a registration, creates the tenant in state `registered` and
 * issues its single-use deployment token, valid for `tokenTtlMs`.
 * Throws REGISTRATION_INVALID with every field problem found.
 */
export async function registerTenant(pool: pg.Pool, body: unknown, tokenTtlMs: number, actor: Actor): Promise<Registration> {
  if (hasUnsupportedLocale(body)) {
    throw new AppError(COMMON_ERRORS.invalidRequest, { values: { reason: 'locale must be en or sv' } });
  }
  const check = validateRegistration(body);
  if (!check.ok) {
    // The name may also be taken; report it with the other problems.
    const name = (body as { tenantName?: unknown }).tenantName;
    const nameHasProblem = check.problems.some((problem) => problem.field === 'tenantName');
    if (!nameHasProblem && typeof name === 'string' && (await isNameTaken(pool, name))) {
      check.problems.push({ field: 'tenantName', code: REGISTRATION_FIELD_CODES.tenantNameTaken });
    }
    throw new AppError(ADMIN_ERRORS.registrationInvalid, { fields: check.problems });
  }

  const { tenant } = check;
  const deploymentToken = randomSecret(32);
  const expiresAt = new Date(Date.now() + tokenTtlMs);
  await withTransaction(pool, async (client) => {
    if (!(await insertTenant(client, tenant, actor))) {
      throw new AppError(ADMIN_ERRORS.registrationInvalid, {
        fields: [{ field: 'tenantName', code: REGISTRATION_FIELD_CODES.tenantNameTaken }],
      });
    }
    await insertDeploymentToken(client, hashDeploymentToken(deploymentToken), tenant.name, expiresAt);
  });
  return { tenantName: tenant.name, deploymentToken, expiresAt: expiresAt.toISOString() };
}

/** Computes the SHA-256 digest (hex) under which a deployment token is stored and looked up. */
export function hashDeploymentToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

async function isNameTaken(pool: pg.Pool, name: string): Promise<boolean> {
  return (await pool.query('SELECT 1 FROM tenants WHERE name = $1', [name])).rowCount === 1;
}
