import { AppError, type ErrorDefinition } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import type pg from 'pg';
import { withTransaction } from '../registry/transaction.js';
import { finishOperation, saveOperation, type OperationRecord } from './operation-store.js';

/** What a rollback left: everything undone (`rolled-back`), or the operation kept unfinished so that a later run goes on from its failed step. */
export type RollbackResult = 'rolled-back' | 'left-unfinished';

/** The steps of one kind of operation and how to finish or undo it. */
export interface OperationPlan {
  /** Runs one step. Every step must be safe to run again, because a crash can cut it off half-way. */
  steps: Record<string, (operation: OperationRecord) => Promise<void>>;
  /** Makes the final change in the registry, in the same transaction that marks the operation succeeded. */
  complete(client: pg.PoolClient, operation: OperationRecord): Promise<void>;
  /** Undoes what the done steps changed after `failedStep` failed, or keeps the operation for a later run. */
  rollBack(operation: OperationRecord, failedStep: string): Promise<RollbackResult>;
  /** The error returned to the caller when a step fails; it gets `tenant` and `step` as values. */
  failure: ErrorDefinition;
}

/**
 * Runs the steps of a recorded operation that are not done yet, in order.
 * Each step is marked running in the registry before it acts and done after
 * it, so a run resumed after a crash starts again at the step that was cut
 * off. When a step fails, the plan's rollback decides what happens; the
 * operation is then finished as rolled back, or left for a later run.
 * The caller holds the tenant's lock. Throws the plan's failure error.
 */
export async function runOperation(context: AdminContext, operation: OperationRecord, plan: OperationPlan): Promise<void> {
  const logger = context.logger.child({ tenant: operation.tenant, operation: operation.kind, operationId: operation.id });
  let current = '';
  let crashed = false;
  try {
    for (const entry of operation.steps) {
      if (entry.status === 'done') continue;
      current = entry.step;
      entry.status = 'running';
      await saveOperation(context.registry, operation);
      const action = plan.steps[entry.step];
      if (!action) throw new Error(`the ${operation.kind} operation has no step ${entry.step}`);
      await action(operation);
      entry.status = 'done';
      await saveOperation(context.registry, operation);
      logger.info({ step: entry.step }, 'operation step done');
      try {
        await context.stepHook?.({ operation: operation.kind, tenant: operation.tenant, step: entry.step });
      } catch (error) {
        crashed = true;
        throw error;
      }
    }
    await withTransaction(context.registry, async (client) => {
      await plan.complete(client, operation);
      await finishOperation(client, operation.id, 'succeeded');
    });
    operation.outcome = 'succeeded';
    logger.info('operation succeeded');
  } catch (error) {
    if (crashed) throw error;
    throw await handleFailure(context, operation, plan, current, error, logger);
  }
}

async function handleFailure(
  context: AdminContext,
  operation: OperationRecord,
  plan: OperationPlan,
  step: string,
  error: unknown,
  logger: AdminContext['logger'],
): Promise<AppError> {
  const code = error instanceof AppError ? error.code : plan.failure.code;
  logger.error({ err: error, step, code }, 'operation step failed');
  const entry = operation.steps.find((candidate) => candidate.step === step);
  if (entry) entry.status = 'failed';
  try {
    await saveOperation(context.registry, operation);
    const result: RollbackResult = await plan.rollBack(operation, step);
    if (result === 'rolled-back') {
      await finishOperation(context.registry, operation.id, 'rolled-back', code);
      operation.outcome = 'rolled-back';
    }
    logger.warn({ step, result }, result === 'rolled-back' ? 'operation rolled back' : 'operation left unfinished for a later run');
  } catch (rollbackError) {
    // The operation stays unfinished, so the next admin start or the same command tries again.
    logger.error({ err: rollbackError, step }, 'operation rollback failed');
  }
  if (error instanceof AppError && error.status < 500) return error;
  return new AppError(plan.failure, { values: { tenant: operation.tenant, step }, cause: error, detail: String((error as Error)?.message ?? error) });
}
