/** Where a multi-step operation is: after `step` of `operation` for `tenant` has been done and recorded. */
export interface StepPoint {
  operation: 'deployment' | 'archive' | 'restore-archived' | 'delete';
  tenant: string;
  step: string;
}

/**
 * Called after each recorded step of a multi-step operation. An error it
 * throws stops the operation on the spot, with no rollback and nothing more
 * recorded, as a crash of admin at that point would. Tests use it to check
 * that the next admin start finishes or rolls back the operation.
 */
export type StepHook = (point: StepPoint) => void | Promise<void>;

/** Thrown by a step hook to simulate a crash of admin. */
export class SimulatedCrash extends Error {
  constructor(readonly point: StepPoint) {
    super(`simulated crash after ${point.operation} step ${point.step} of ${point.tenant}`);
  }
}
