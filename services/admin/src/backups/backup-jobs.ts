import { randomBytes } from 'node:crypto';
import { AppError } from '@esm/common';
import type { TableProgress } from './dump-database.js';
import { recordBackupJob } from '../metrics.js';

export type JobKind = 'backup' | 'restore' | 'drill';

/** The view of a job that `GET /v1/backup-jobs/:id` returns. */
export interface JobView {
  id: string;
  kind: JobKind;
  tenant: string;
  /** The backup written, restored or drilled; set once known. */
  backupId: string | null;
  status: 'running' | 'succeeded' | 'failed';
  progress: TableProgress;
  startedAt: string;
  finishedAt: string | null;
  /** Output of the job: the backup's size and rows, or the restore's checks and duration. */
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}

// Finished jobs stay visible for polling; the registry keeps the lasting record.
const MAX_FINISHED_JOBS = 200;

/**
 * Keeps the progress of running and recently finished jobs in memory, so
 * the CLI can poll a job by id. Jobs of an earlier admin process are not
 * here; the registry marks them failed at start.
 */
export class BackupJobs {
  private readonly jobs = new Map<string, JobView>();

  /** Registers a running job and returns it; `id` defaults to a new random id. */
  create(kind: JobKind, tenant: string, backupId: string | null, id = randomBytes(12).toString('hex')): JobView {
    const job: JobView = {
      id,
      kind,
      tenant,
      backupId,
      status: 'running',
      progress: { phase: 'starting', tablesDone: 0, tablesTotal: 0, rows: 0 },
      startedAt: new Date().toISOString(),
      finishedAt: null,
      result: null,
      error: null,
    };
    this.jobs.set(id, job);
    return job;
  }

  find(id: string): JobView | null {
    return this.jobs.get(id) ?? null;
  }

  /** Marks a job finished with its result, or with the error's code and English message. */
  finish(job: JobView, outcome: { result: Record<string, unknown> } | { error: AppError }): void {
    job.finishedAt = new Date().toISOString();
    if ('result' in outcome) {
      job.status = 'succeeded';
      job.result = outcome.result;
    } else {
      job.status = 'failed';
      job.error = { code: outcome.error.code, message: outcome.error.userMessage('en') };
    }
    job.progress = { ...job.progress, phase: job.status === 'succeeded' ? 'finished' : 'failed' };
    recordBackupJob(job.kind, job.tenant, job.status === 'succeeded', job.startedAt);
    this.forgetOldJobs();
  }

  private forgetOldJobs(): void {
    const finished = [...this.jobs.values()].filter((job) => job.status !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_JOBS))) this.jobs.delete(job.id);
  }
}
