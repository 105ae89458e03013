import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';

/** Records `auth.factor-changed` when a user enrolled or replaced the TOTP secret. Never contains the secret. */
export async function auditFactorChanged(
  transaction: Transaction,
  source: AuditSource,
  user: { id: string; email: string },
  change: { factor: 'totp'; reason: 'invitation' | 'enrolment' | 'replaced' },
): Promise<void> {
  await writeAuditEntry(transaction, source, {
    action: 'auth.factor-changed',
    entityType: 'user',
    entityId: user.id,
    before: null,
    after: change,
    summary: `${user.email}: ${change.factor} ${change.reason}`,
  });
}

/** Records `auth.recovery-codes-generated` when a user got a new set of recovery codes. Never contains a code. */
export async function auditRecoveryCodesGenerated(
  transaction: Transaction,
  source: AuditSource,
  user: { id: string; email: string },
  count: number,
): Promise<void> {
  await writeAuditEntry(transaction, source, {
    action: 'auth.recovery-codes-generated',
    entityType: 'user',
    entityId: user.id,
    before: null,
    after: { count },
    summary: `${user.email}: ${count} recovery codes`,
  });
}
