import path from 'node:path';
import { dataPaths, tenantOrigin, withSmtpPassword, writeSecretFile, type TenantSecret } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { waitUntilHealthy } from '../orchestrator/health-check.js';
import { provisionTenantDatabase, type TenantDatabaseLogins } from '../provisioning/tenant-database.js';
import { finishDeployment, saveDeploymentSteps, type DeploymentRecord, type DeploymentStepName } from '../registry/deployment-store.js';
import { changeTenantState, findTenant, type TenantRecord } from '../registry/tenant-store.js';
import { withTransaction } from '../registry/transaction.js';
import { recordDeployment } from '../metrics.js';
import { placeTenantDatabase } from './placement.js';
import { createSigningKey } from './signing-key.js';

const HEALTH_CONFIRMATION_TIMEOUT_MS = 5_000;

/** Outcome of a deployment: `failedStep` names the step that failed, or is null on success. */
export interface DeploymentOutcome {
  failedStep: DeploymentStepName | null;
}

/**
 * Runs the steps of a deployment in order, recording each step's status,
 * and moves the tenant from `deploying` to `active` at the end. Every step
 * can run again: on failure the tenant stays `deploying`, its process is
 * stopped, and a new deployment (`esmctl deploy`) resumes by running the
 * steps again. The caller must hold the tenant's lock.
 */
export async function runDeployment(context: AdminContext, deployment: DeploymentRecord): Promise<DeploymentOutcome> {
  const logger = context.logger.child({ tenant: deployment.tenant, deploymentId: deployment.id });
  const steps = deployment.steps;
  const setStatus = async (step: DeploymentStepName, status: 'running' | 'done' | 'failed') => {
    const entry = steps.find((candidate) => candidate.step === step);
    if (entry) entry.status = status;
    await saveDeploymentSteps(context.registry, deployment.id, steps);
  };

  let current: DeploymentStepName = 'database';
  let crashed = false;
  const startedAt = performance.now();
  try {
    const tenant = await findTenant(context.registry, deployment.tenant);
    if (!tenant) throw new Error('the tenant no longer exists');
    let logins: TenantDatabaseLogins | null = null;
    const actions: Record<DeploymentStepName, () => Promise<void>> = {
      database: async () => {
        const server = await placeTenantDatabase(context, tenant.name);
        logins = await provisionTenantDatabase(server, tenant.name);
        logger.info({ databaseServer: server.id }, 'tenant database provisioned');
      },
      secret: async () => {
        if (!logins) throw new Error('the database step did not return logins');
        await writeTenantSecret(context, tenant, logins);
      },
      process: async () => {
        await context.orchestrator.start(tenant.name);
      },
      health: async () => {
        const upstream = context.orchestrator.upstream(tenant.name);
        if (!upstream) throw new Error('the tenant process is not running');
        await waitUntilHealthy(upstream, HEALTH_CONFIRMATION_TIMEOUT_MS, new AbortController().signal);
      },
      // The tenant invites its first administrator itself when it starts with
      // no users, so a healthy tenant has sent (or queued) the invitation.
      invitation: async () => undefined,
    };
    for (const { step } of steps) {
      current = step;
      await setStatus(step, 'running');
      await actions[step]();
      await setStatus(step, 'done');
      try {
        await context.stepHook?.({ operation: 'deployment', tenant: tenant.name, step });
      } catch (error) {
        crashed = true;
        throw error;
      }
    }
    await withTransaction(context.registry, async (client) => {
      await changeTenantState(client, tenant.name, ['deploying'], 'active', deployment.actor);
      await finishDeployment(client, deployment.id, false);
    });
    logger.info('tenant deployed');
    recordDeployment(deployment.tenant, true, startedAt);
    return { failedStep: null };
  } catch (error) {
    // A simulated crash leaves the deployment as a crash of admin would: unfinished.
    if (crashed) throw error;
    logger.error({ err: error, step: current }, 'tenant deployment failed');
    recordDeployment(deployment.tenant, false, startedAt);
    await recordFailure(context, deployment, current, setStatus).catch((recordError: unknown) =>
      logger.error({ err: recordError }, 'deployment failure could not be recorded'),
    );
    return { failedStep: current };
  }
}

async function recordFailure(
  context: AdminContext,
  deployment: DeploymentRecord,
  step: DeploymentStepName,
  setStatus: (step: DeploymentStepName, status: 'failed') => Promise<void>,
): Promise<void> {
  // A deploying tenant must not keep a process that nothing routes to.
  await context.orchestrator.stop(deployment.tenant);
  await setStatus(step, 'failed');
  await finishDeployment(context.registry, deployment.id, true);
}

/** Writes the tenant's secret file (mode 0600) with its database logins and a new signing key. */
async function writeTenantSecret(context: AdminContext, tenant: TenantRecord, logins: TenantDatabaseLogins): Promise<void> {
  const secret: TenantSecret = {
    tenant: tenant.name,
    origin: tenantOrigin(context.config, tenant.name),
    database: logins,
    signingKeys: [await createSigningKey()],
    mail: withSmtpPassword(context.config.mail),
    sms: context.config.sms,
    firstAdministrator: { email: tenant.contactEmail, locale: tenant.locale, mobile: tenant.contactMobile },
    template: tenant.template,
  };
  await writeSecretFile(tenantSecretFile(context, tenant.name), secret);
}

/** Returns the path of a tenant's secret file. */
export function tenantSecretFile(context: Pick<AdminContext, 'config'>, tenant: string): string {
  return path.join(dataPaths(context.config).tenantSecretsDir, `${tenant}.json`);
}
