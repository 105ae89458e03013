import type { FastifyRequest } from 'fastify';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import type { SecondFactor } from '../factors/user-factors.js';
import type { TenantContext } from '../../context.js';
import { describeUnknownAddress, type UnknownAddress } from '../email-address.js';

/** The audited reason of a failed sign-in attempt, never the password or code itself. */
export type SignInFailureReason = 'password' | 'code' | 'throttled' | 'locked';

/** Where a password or code failed: a sign-in step, or a signed-in user's re-authentication before a factor change. */
export type FailedStep = 'sign-in' | 'reauthentication';

/** The audit source of a sign-in step, which has no signed-in user yet. */
export interface SignInAuditSource extends AuditSource {
  /** Set in place of actorEmail when the e-mail text matches no account. */
  unknownAddress: UnknownAddress | null;
}

/**
 * Builds the audit source of a sign-in step. With an account, the actor is
 * the account and its e-mail address. Without one, the entry gets only a
 * keyed fingerprint and the domain of the text (describeUnknownAddress),
 * because that text may be a password typed into the wrong field.
 */
export function signInAuditSource(
  context: TenantContext,
  request: FastifyRequest,
  account: { userId: string | null; email: string },
): SignInAuditSource {
  const known = account.userId !== null;
  return {
    actorId: account.userId,
    actorEmail: known ? account.email : null,
    requestId: request.id,
    clientAddress: request.ip,
    unknownAddress: known ? null : describeUnknownAddress(context.keys, account.email),
  };
}

/** Names the address of an entry in its summary without the local part of an unknown address. */
function addressLabel(source: SignInAuditSource): string {
  if (!source.unknownAddress) return source.actorEmail ?? '';
  const { fingerprint, domain } = source.unknownAddress;
  return domain ? `unknown address ${fingerprint} at ${domain}` : `unknown address ${fingerprint}`;
}

/** Adds the unknown address's description to an entry's `after`. */
function withAddress<T extends object>(source: SignInAuditSource, after: T): T | (T & { address: UnknownAddress }) {
  return source.unknownAddress ? { ...after, address: source.unknownAddress } : after;
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

/**
 * Records a failed attempt with the reason and, for a code, the factor
 * tried: `auth.sign-in-failed` for a sign-in step, `auth.reauthentication-failed`
 * when a signed-in user gave a wrong current password.
 */
export async function auditSignInFailure(
  transaction: Transaction,
  source: SignInAuditSource,
  failure: { reason: SignInFailureReason; factor?: SecondFactor; step?: FailedStep },
): Promise<void> {
  await writeAuditEntry(transaction, source, {
    action: failure.step === 'reauthentication' ? 'auth.reauthentication-failed' : 'auth.sign-in-failed',
    entityType: 'user',
    entityId: source.actorId,
    before: null,
    after: withAddress(source, failure.factor ? { reason: failure.reason, factor: failure.factor } : { reason: failure.reason }),
    summary: `${addressLabel(source)}: ${failure.reason}`,
  });
}

/** Records `auth.locked` when a failure locked the e-mail address until `lockedUntil`. */
export async function auditLock(transaction: Transaction, source: SignInAuditSource, lockedUntil: Date, failures: number): Promise<void> {
  await writeAuditEntry(transaction, source, {
    action: 'auth.locked',
    entityType: 'user',
    entityId: source.actorId,
    before: null,
    after: withAddress(source, { lockedUntil: lockedUntil.toISOString(), failures }),
    summary: `${addressLabel(source)}: locked until ${lockedUntil.toISOString()}`,
  });
}
