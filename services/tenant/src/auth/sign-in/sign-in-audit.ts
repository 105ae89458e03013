import type { FastifyRequest } from 'fastify';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import type { SecondFactor } from '../factors/user-factors.js';

/** The audited reason of a failed sign-in attempt, never the password or code itself. */
export type SignInFailureReason = 'password' | 'code' | 'throttled' | 'locked';

/**
 * Builds the audit source of a sign-in request, which has no signed-in user
 * yet. The actor is the account when one is known, else only the e-mail address given.
 */
export function signInAuditSource(request: FastifyRequest, account: { userId: string | null; email: string }): AuditSource {
  return { actorId: account.userId, actorEmail: account.email, requestId: request.id, clientAddress: request.ip };
}

/** Records `auth.sign-in` for a user who passed every step with `factor`. */
export async function auditSignIn(
  transaction: Transaction,
  source: AuditSource,
  user: { id: string; email: string },
  factor: SecondFactor,
): Promise<void> {
  await writeAuditEntry(transaction, source, {
    action: 'auth.sign-in',
    entityType: 'user',
    entityId: user.id,
    before: null,
    after: { factor },
    summary: `${user.email}: ${factor}`,
  });
}

/** Records `auth.sign-in-failed` with the reason and, for a code, the factor tried. */
export async function auditSignInFailure(
  transaction: Transaction,
  source: AuditSource,
  failure: { reason: SignInFailureReason; factor?: SecondFactor },
): Promise<void> {
  await writeAuditEntry(transaction, source, {
    action: 'auth.sign-in-failed',
    entityType: 'user',
    entityId: source.actorId,
    before: null,
    after: failure.factor ? { reason: failure.reason, factor: failure.factor } : { reason: failure.reason },
    summary: `${source.actorEmail ?? ''}: ${failure.reason}`,
  });
}

/** Records `auth.locked` when a failure locked the e-mail address until `lockedUntil`. */
export async function auditLock(transaction: Transaction, source: AuditSource, lockedUntil: Date, failures: number): Promise<void> {
  await writeAuditEntry(transaction, source, {
    action: 'auth.locked',
    entityType: 'user',
    entityId: source.actorId,
    before: null,
    after: { lockedUntil: lockedUntil.toISOString(), failures },
    summary: `${source.actorEmail ?? ''}: locked until ${lockedUntil.toISOString()}`,
  });
}
