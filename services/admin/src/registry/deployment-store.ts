import type { Actor } from './tenant-store.js';
import type { Queryable } from './transaction.js';

export const DEPLOYMENT_STEPS = ['database', 'secret', 'process', 'health', 'invitation'] as const;
export type DeploymentStepName = (typeof DEPLOYMENT_STEPS)[number];
export type StepStatus = 'pending' | 'running' | 'done' | 'failed';

export interface DeploymentStep {
  step: DeploymentStepName;
  status: StepStatus;
}

/** One deployment of a tenant, as stored in the registry. */
export interface DeploymentRecord {
  id: string;
  tenant: string;
  actor: Actor;
  steps: DeploymentStep[];
  startedAt: Date;
  finishedAt: Date | null;
  failed: boolean;
}

/** A deployment token row; the token itself is never stored, only its SHA-256 digest. */
export interface DeploymentTokenRecord {
  tenant: string;
  expiresAt: Date;
  usedAt: Date | null;
}

/** Stores a new deployment token by its digest. */
export async function insertDeploymentToken(db: Queryable, tokenHash: string, tenant: string, expiresAt: Date): Promise<void> {
  await db.query('INSERT INTO deployment_tokens (token_hash, tenant, expires_at) VALUES ($1, $2, $3)', [tokenHash, tenant, expiresAt]);
}

/**
 * Returns the token with this digest and locks its row until the
 * transaction ends, so that two requests cannot both use it; null when unknown.
 */
export async function lockDeploymentToken(db: Queryable, tokenHash: string): Promise<DeploymentTokenRecord | null> {
  const result = await db.query<DeploymentTokenRecord>(
    `SELECT tenant, expires_at AS "expiresAt", used_at AS "usedAt" FROM deployment_tokens WHERE token_hash = $1 FOR UPDATE`,
    [tokenHash],
  );
  return result.rows[0] ?? null;
}

/** Marks every unused token of a tenant as used, so that no e-mailed link can start another deployment. */
export async function useTenantTokens(db: Queryable, tenant: string): Promise<void> {
  await db.query('UPDATE deployment_tokens SET used_at = now() WHERE tenant = $1 AND used_at IS NULL', [tenant]);
}

/** Inserts a deployment with every step pending. */
export async function insertDeployment(db: Queryable, id: string, tenant: string, actor: Actor): Promise<DeploymentRecord> {
  const steps: DeploymentStep[] = DEPLOYMENT_STEPS.map((step) => ({ step, status: 'pending' }));
  await db.query('INSERT INTO deployments (id, tenant, actor, steps) VALUES ($1, $2, $3, $4)', [id, tenant, actor, JSON.stringify(steps)]);
  return { id, tenant, actor, steps, startedAt: new Date(), finishedAt: null, failed: false };
}

/** Stores the current status of every step. */
export async function saveDeploymentSteps(db: Queryable, id: string, steps: DeploymentStep[]): Promise<void> {
  await db.query('UPDATE deployments SET steps = $2 WHERE id = $1', [id, JSON.stringify(steps)]);
}

/** Marks a deployment finished, successfully or not. */
export async function finishDeployment(db: Queryable, id: string, failed: boolean): Promise<void> {
  await db.query('UPDATE deployments SET finished_at = now(), failed = $2 WHERE id = $1', [id, failed]);
}

/** Returns the deployment with this id, or null. */
export async function findDeployment(db: Queryable, id: string): Promise<DeploymentRecord | null> {
  const result = await db.query<DeploymentRecord>(
    `SELECT id, tenant, actor, steps, started_at AS "startedAt", finished_at AS "finishedAt", failed
       FROM deployments WHERE id = $1`,
    [id],
  );
  return result.rows[0] ?? null;
}

/**
 * Marks deployments that never finished as failed, with their running step
 * failed. Run at start: a deployment without a finish time was cut off by
 * an earlier admin process that stopped half-way. Returns their tenants.
 */
export async function failInterruptedDeployments(db: Queryable): Promise<string[]> {
  const result = await db.query<{ tenant: string }>(
    `UPDATE deployments
        SET finished_at = now(), failed = true,
            steps = (SELECT jsonb_agg(CASE WHEN s->>'status' = 'running' THEN jsonb_set(s, '{status}', '"failed"') ELSE s END ORDER BY n)
                       FROM jsonb_array_elements(steps) WITH ORDINALITY AS e(s, n))
      WHERE finished_at IS NULL
      RETURNING tenant`,
  );
  return result.rows.map((row) => row.tenant);
}
