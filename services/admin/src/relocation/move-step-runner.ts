import type { MoveJobView, MoveStepName } from './move-jobs.js';

/** Callbacks into a move; tests use `afterStep` to make a step fail after it has done its work. */
export interface MoveHooks {
  /** Runs after each step has finished; a rejection fails that step. */
  afterStep?: (step: MoveStepName, tenant: string) => Promise<void>;
}

/** Runs the steps of one move job, recording each step's status and duration in the job. */
export class MoveStepRunner {
  /** The step that runs or ran last; after a failure, the step that failed. */
  current: MoveStepName | null = null;

  constructor(
    private readonly job: MoveJobView,
    private readonly hooks: MoveHooks,
  ) {}

  /** Runs `work` as the step `name` and returns its result; marks the step failed and rethrows when it throws. */
  async run<T>(name: MoveStepName, work: () => Promise<T>): Promise<T> {
    const step = this.find(name);
    this.current = name;
    step.status = 'running';
    const started = performance.now();
    try {
      const result = await work();
      await this.hooks.afterStep?.(name, this.job.tenant);
      if (step.status === 'running') step.status = 'done';
      return result;
    } catch (error) {
      step.status = 'failed';
      throw error;
    } finally {
      step.durationMs = Math.round(performance.now() - started);
      this.job.progress = null;
    }
  }

  /** Marks a running step as skipped, e.g. the start of a tenant that was inactive. */
  skip(name: MoveStepName): void {
    this.find(name).status = 'skipped';
  }

  private find(name: MoveStepName) {
    const step = this.job.steps.find((candidate) => candidate.step === name);
    if (!step) throw new Error(`the move has no step ${name}`);
    return step;
  }
}
