import { counterIn, createMetricsRegistry, histogramIn } from '@esm/common';

/**
 * Admin's Prometheus registry, one per process. Tests that start admin
 * several times in one process add to the same counters. Admin is the one
 * service that labels series with the tenant name: the number of tenants
 * bounds that label, and operators need to see which tenant fails.
 */
export const adminMetrics = createMetricsRegistry('admin');

const wakes = counterIn(adminMetrics, 'esm_admin_wakes_total', 'Wake requests from the default backend, by tenant and outcome.', ['tenant', 'outcome']);
const wakeDurations = histogramIn(adminMetrics, 'esm_admin_wake_duration_seconds', 'Duration of wake requests, by outcome.', ['outcome']);
const deployments = counterIn(adminMetrics, 'esm_deployments_total', 'Finished deployments, by tenant and outcome.', ['tenant', 'outcome']);
const deploymentDurations = histogramIn(adminMetrics, 'esm_deployment_duration_seconds', 'Duration of deployments, by outcome.', ['outcome']);
const backupJobs = counterIn(adminMetrics, 'esm_backup_jobs_total', 'Finished backups, restores and drills, by kind, tenant and outcome.', [
  'kind',
  'tenant',
  'outcome',
]);
const backupJobDurations = histogramIn(adminMetrics, 'esm_backup_job_duration_seconds', 'Duration of backups, restores and drills, by kind and outcome.', [
  'kind',
  'outcome',
]);

/** Runs a wake and records its outcome (`succeeded`, or `failed` when it throws) and duration. */
export async function measureWake<T>(tenant: string, wake: () => Promise<T>): Promise<T> {
  const startedAt = performance.now();
  let outcome = 'failed';
  try {
    const result = await wake();
    outcome = 'succeeded';
    return result;
  } finally {
    wakes.inc({ tenant, outcome });
    wakeDurations.observe({ outcome }, (performance.now() - startedAt) / 1000);
  }
}

/** Records a finished deployment; `startedAt` comes from performance.now(). */
export function recordDeployment(tenant: string, succeeded: boolean, startedAt: number): void {
  const outcome = succeeded ? 'succeeded' : 'failed';
  deployments.inc({ tenant, outcome });
  deploymentDurations.observe({ outcome }, (performance.now() - startedAt) / 1000);
}

/** Records a finished backup, restore or drill job; `startedAt` is the job's ISO start time. */
export function recordBackupJob(kind: string, tenant: string, succeeded: boolean, startedAt: string): void {
  const outcome = succeeded ? 'succeeded' : 'failed';
  backupJobs.inc({ kind, tenant, outcome });
  backupJobDurations.observe({ kind, outcome }, Math.max(0, Date.now() - Date.parse(startedAt)) / 1000);
}
