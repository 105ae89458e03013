import { AppError, readSecretFile, writeSecretFile, type TenantSecret } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import { createSigningKey } from '../deployment/signing-key.js';
import { ADMIN_ERRORS } from '../errors.js';
import { requireTenant } from '../lifecycle/tenant-transitions.js';
import type { Actor, TenantRecord } from '../registry/tenant-store.js';
import { insertKeyRotation, listKeyRotations } from './rotation-store.js';

/** The result of a rotation, as `POST /v1/tenants/:name/keys/rotate` returns it. */
export interface KeyRotation {
  tenant: string;
  kid: string;
  previousKid: string;
  retiredKids: string[];
  rotatedAt: string;
  /** True when the tenant's process was running and was restarted to load the new key. */
  restarted: boolean;
}

/** A tenant's keys without their key material, and its rotation history. */
export interface TenantKeys {
  tenant: string;
  keys: { kid: string; createdAt: string; current: boolean }[];
  rotations: { kid: string; previousKid: string; retiredKids: string[]; actor: Actor; at: string }[];
}

/**
 * Rotates an active or inactive tenant's signing key. It generates a new
 * P-521 key and rewrites the secret with the new key first and the previous
 * current key second. Older keys are dropped, so their tokens are rejected
 * from then on. It records the rotation and restarts the tenant's process if
 * it is running, because the tenant reads its keys at start. Tokens signed
 * with the previous key stay valid until they expire.
 *
 * Throws TENANT_NOT_FOUND, TENANT_STATE_CONFLICT for other states, and
 * TENANT_START_FAILED when the restart fails. The new key is in place then,
 * and the next start of the tenant uses it.
 */
export function rotateSigningKey(context: AdminContext, name: string, actor: Actor): Promise<KeyRotation> {
  return context.locks.run(name, async () => {
    const tenant = await requireTenant(context, name);
    if (tenant.state !== 'active' && tenant.state !== 'inactive') throw stateConflict(tenant);

    const file = tenantSecretFile(context, name);
    const secret = await readSecretFile<TenantSecret>(file);
    const [current, ...retired] = secret.signingKeys;
    if (!current) throw new Error(`the secret of tenant ${name} has no signing key`);
    const key = await createSigningKey();
    await writeSecretFile(file, { ...secret, signingKeys: [key, current] });

    const record = await insertKeyRotation(context.registry, name, {
      kid: key.kid,
      previousKid: current.kid,
      retiredKids: retired.map((old) => old.kid),
      actor,
    });
    context.logger.info({ tenant: name, kid: record.kid, previousKid: record.previousKid, retiredKids: record.retiredKids, actor }, 'signing key rotated');

    const restarted = await restartIfRunning(context, name);
    return {
      tenant: name,
      kid: record.kid,
      previousKid: record.previousKid,
      retiredKids: record.retiredKids,
      rotatedAt: record.rotatedAt.toISOString(),
      restarted,
    };
  });
}

/** Returns the key ids and creation times in the tenant's secret (current first) and its recorded rotations. */
export async function listTenantKeys(context: AdminContext, name: string): Promise<TenantKeys> {
  const tenant = await requireTenant(context, name);
  if (tenant.state === 'registered' || tenant.state === 'deploying') throw stateConflict(tenant);
  const secret = await readSecretFile<TenantSecret>(tenantSecretFile(context, name));
  const rotations = await listKeyRotations(context.registry, name);
  return {
    tenant: name,
    keys: secret.signingKeys.map((key, index) => ({ kid: key.kid, createdAt: key.createdAt, current: index === 0 })),
    rotations: rotations.map(({ rotatedAt, ...rotation }) => ({ ...rotation, at: rotatedAt.toISOString() })),
  };
}

/** Stops and starts a running tenant so that it reads its secret again; returns false when it was not running. */
async function restartIfRunning(context: AdminContext, name: string): Promise<boolean> {
  if (!context.orchestrator.upstream(name)) return false;
  await context.orchestrator.stop(name);
  try {
    await context.orchestrator.start(name);
  } catch (error) {
    // Leave no half-started process behind; the next wake starts the tenant with the new key.
    await context.orchestrator.stop(name).catch(() => undefined);
    throw new AppError(ADMIN_ERRORS.startFailed, { values: { tenant: name }, cause: error, detail: String(error) });
  }
  context.logger.info({ tenant: name }, 'tenant restarted with its new signing key');
  return true;
}

function stateConflict(tenant: TenantRecord): AppError {
  return new AppError(ADMIN_ERRORS.stateConflict, { values: { tenant: tenant.name, state: tenant.state } });
}
