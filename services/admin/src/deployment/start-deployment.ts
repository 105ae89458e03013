import { AppError, randomSecret } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { ADMIN_ERRORS } from '../errors.js';
import { hashDeploymentToken } from '../registration/register-tenant.js';
import { insertDeployment, lockDeploymentToken, useTenantTokens, type DeploymentRecord } from '../registry/deployment-store.js';
import { changeTenantState, findTenant, type Actor, type TenantRecord } from '../registry/tenant-store.js';
import { withTransaction } from '../registry/transaction.js';
import { runDeployment } from './run-deployment.js';

// Tokens are 43 base64url characters; anything far longer is not a token.
const MAX_TOKEN_LENGTH = 200;

/** The reply to a deployment started with a token. */
export interface StartedDeployment {
  deploymentId: string;
  tenantName: string;
}

/**
 * Uses a deployment token: checks it, marks it used and moves the tenant
 * from `registered` to `deploying` in one transaction, then runs the
 * deployment in the background and returns its id at once.
 * Throws DEPLOYMENT_TOKEN_INVALID, DEPLOYMENT_TOKEN_USED or DEPLOYMENT_TOKEN_EXPIRED.
 */
export async function deployWithToken(context: AdminContext, token: unknown, actor: Actor): Promise<StartedDeployment> {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new AppError(ADMIN_ERRORS.tokenInvalid);
  }
  const tokenHash = hashDeploymentToken(token);
  const owner = await context.registry.query<{ tenant: string }>('SELECT tenant FROM deployment_tokens WHERE token_hash = $1', [tokenHash]);
  const tenantName = owner.rows[0]?.tenant;
  if (!tenantName) throw new AppError(ADMIN_ERRORS.tokenInvalid);

  // The tenant's lock is taken before the token is used and held until the
  // deployment ends, so no other change of this tenant can run in between.
  return new Promise<StartedDeployment>((resolve, reject) => {
    const work = context.locks.run(tenantName, async () => {
      let deployment: DeploymentRecord;
      try {
        deployment = await useToken(context, tokenHash, actor);
      } catch (error) {
        reject(error);
        return;
      }
      resolve({ deploymentId: deployment.id, tenantName });
      await runDeployment(context, deployment);
    });
    trackBackgroundWork(context, work);
  });
}

async function useToken(context: AdminContext, tokenHash: string, actor: Actor): Promise<DeploymentRecord> {
  return withTransaction(context.registry, async (client) => {
    const token = await lockDeploymentToken(client, tokenHash);
    if (!token) throw new AppError(ADMIN_ERRORS.tokenInvalid);
    if (token.usedAt) throw new AppError(ADMIN_ERRORS.tokenUsed);
    if (token.expiresAt.getTime() <= Date.now()) throw new AppError(ADMIN_ERRORS.tokenExpired);
    const moved = await changeTenantState(client, token.tenant, ['registered'], 'deploying', actor);
    // The operator deployed the tenant another way; that used its tokens too.
    if (!moved) throw new AppError(ADMIN_ERRORS.tokenUsed, { detail: `tenant ${token.tenant} is no longer registered` });
    await useTenantTokens(client, token.tenant);
    return insertDeployment(client, randomSecret(16), token.tenant, actor);
  });
}

/**
 * Deploys a registered tenant, or resumes the failed deployment of a
 * deploying one, and waits until it ends. An active tenant is left as it is.
 * Throws TENANT_NOT_FOUND, TENANT_STATE_CONFLICT or DEPLOYMENT_FAILED.
 */
export async function deployByOperator(context: AdminContext, name: string, actor: Actor): Promise<TenantRecord> {
  return context.locks.run(name, async () => {
    const tenant = await findTenant(context.registry, name);
    if (!tenant) throw new AppError(ADMIN_ERRORS.tenantNotFound, { values: { tenant: name } });
    if (tenant.state === 'active') return tenant;
    if (tenant.state !== 'registered' && tenant.state !== 'deploying') {
      throw new AppError(ADMIN_ERRORS.stateConflict, { values: { tenant: name, state: tenant.state } });
    }

    const deployment = await withTransaction(context.registry, async (client) => {
      await changeTenantState(client, name, ['registered'], 'deploying', actor);
      await useTenantTokens(client, name);
      return insertDeployment(client, randomSecret(16), name, actor);
    });
    const outcome = await runDeployment(context, deployment);
    if (outcome.failedStep) {
      throw new AppError(ADMIN_ERRORS.deploymentFailed, { values: { tenant: name, step: outcome.failedStep } });
    }
    return (await findTenant(context.registry, name)) ?? tenant;
  });
}

function trackBackgroundWork(context: AdminContext, work: Promise<unknown>): void {
  const tracked = work.catch((error: unknown) => context.logger.error({ err: error }, 'background deployment failed'));
  context.backgroundWork.add(tracked);
  void tracked.finally(() => context.backgroundWork.delete(tracked));
}
