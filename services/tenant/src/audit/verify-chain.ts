import { walkAuditChain, type AuditChainReport } from '@esm/common';
import { withTransaction, type DatabaseAccess } from '../db/transaction.js';

/**
 * Walks the tenant's audit chain in id order under the read-only role and
 * returns the number of entries, the first broken entry and the head. admin
 * runs the same query (walkAuditChain) with the tenant's read-only login and
 * also compares the head with the anchors it recorded earlier.
 */
export function verifyAuditChain(database: DatabaseAccess): Promise<AuditChainReport> {
  return withTransaction(database, { readOnly: true }, (transaction) => walkAuditChain(transaction));
}
