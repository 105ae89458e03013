import { randomBytes } from 'node:crypto';
import type { AppError } from '@esm/common';
import type { TableProgress } from '../backups/dump-database.js';

/** The steps of a move, in order. The switch to the target happens at `registry`. */
export const MOVE_STEPS = [
  'backup',
  'stop',
  'final-backup',
  'provision',
  'restore',
  'verify',
  'secret',
  'registry',
  'start',
  'drop-old',
] as const;
export type MoveStepName = (typeof MOVE_STEPS)[number];

/** One step of a move job with its status and how long it took. */
export interface MoveStepView {
  step: MoveStepName;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  durationMs: number | null;
}

/** The view of a move job that `GET /v1/move-jobs/:id` returns. */
export interface MoveJobView {
  id: string;
  kind: 'move';
  tenant: string;
  fromServer: string;
  toServer: string;
  status: 'running' | 'succeeded' | 'failed';
  steps: MoveStepView[];
  /** Table progress of the running backup or restore step. */
  progress: TableProgress | null;
  /** From stopping the tenant until it runs again (or until the failed move put it back); null until then. */
  downtimeMs: number | null;
  startedAt: string;
  finishedAt: string | null;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}

// Finished jobs stay visible for polling until this many have piled up.
const MAX_FINISHED_JOBS = 100;

/**
 * Keeps running and recently finished move jobs in memory so the CLI can
 * poll them by id. A job does not outlive admin's process: the log keeps
 * the record of each move.
 */
export class MoveJobs {
  private readonly jobs = new Map<string, MoveJobView>();

  /** Registers a running job for the move of `tenant` from one server to another. */
  create(tenant: string, fromServer: string, toServer: string): MoveJobView {
    const job: MoveJobView = {
      id: randomBytes(12).toString('hex'),
      kind: 'move',
      tenant,
      fromServer,
      toServer,
      status: 'running',
      steps: MOVE_STEPS.map((step) => ({ step, status: 'pending', durationMs: null })),
      progress: null,
      downtimeMs: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      result: null,
      error: null,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  find(id: string): MoveJobView | null {
    return this.jobs.get(id) ?? null;
  }

  /** Returns the running move of a tenant, or null. */
  findRunning(tenant: string): MoveJobView | null {
    return [...this.jobs.values()].find((job) => job.tenant === tenant && job.status === 'running') ?? null;
  }

  /** Marks a job finished with its result, or with the error's code and English message. */
  finish(job: MoveJobView, outcome: { result: Record<string, unknown> } | { error: AppError }): void {
    job.finishedAt = new Date().toISOString();
    job.progress = null;
    if ('result' in outcome) {
      job.status = 'succeeded';
      job.result = outcome.result;
    } else {
      job.status = 'failed';
      job.error = { code: outcome.error.code, message: outcome.error.userMessage('en') };
    }
    const finished = [...this.jobs.values()].filter((candidate) => candidate.status !== 'running');
    for (const old of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_JOBS))) this.jobs.delete(old.id);
  }
}
