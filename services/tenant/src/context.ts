import type { FastifyRequest } from 'fastify';
import type { Logger, Mailer, TenantSecret } from '@esm/common';
import { withTransaction, type DatabaseAccess, type Transaction } from './db/transaction.js';
import type { TenantKeys } from './auth/signing-keys.js';
import type { TokenAudience } from './auth/access-token.js';
import type { LiveConnections } from './live/hub.js';
import type { VerifiedTokenCache } from './auth/sessions/verified-token-cache.js';

/** The shared state of one tenant's routes. A process has exactly one. */
export interface TenantContext {
  secret: TenantSecret;
  database: DatabaseAccess;
  keys: TenantKeys;
  audience: TokenAudience;
  verifiedTokens: VerifiedTokenCache;
  live: LiveConnections;
  mailer: Mailer;
  logger: Logger;
}

/**
 * Runs `work` in a transaction for the request's user. A read-level user's
 * transaction runs under the read-only role, so PostgreSQL rejects its writes
 * whatever the route does. With `rollBack`, the transaction is rolled back
 * after `work` succeeds, so a dry run leaves nothing behind.
 */
export function withRequestTransaction<T>(
  context: TenantContext,
  request: FastifyRequest,
  work: (transaction: Transaction) => Promise<T>,
  options: { rollBack?: boolean } = {},
): Promise<T> {
  const readOnly = request.user?.accessLevel !== 'write' && request.user?.accessLevel !== 'admin';
  return withTransaction(context.database, { readOnly, rollBack: options.rollBack }, work);
}
