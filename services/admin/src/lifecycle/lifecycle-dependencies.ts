import type { LifecycleConfig } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import type { BackupService } from '../backups/backup-service.js';
import type { JobView } from '../backups/backup-jobs.js';

/** What the archive, restore-from-archive and delete operations work with. */
export interface LifecycleDependencies {
  context: AdminContext;
  backups: BackupService;
  settings: LifecycleConfig;
}

/** Throws when a backup or drill job did not succeed, with its error code in the message for the log. */
export function requireJobSucceeded(job: JobView): void {
  if (job.status === 'succeeded') return;
  throw new Error(`the ${job.kind} of ${job.tenant} failed: ${job.error?.code ?? 'unknown'} ${job.error?.message ?? ''}`.trim());
}
