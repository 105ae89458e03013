import pg from 'pg';
import { translateDatabaseError } from './database-errors.js';

/** The pool and read-only role that request transactions use. */
export interface DatabaseAccess {
  pool: pg.Pool;
  /** The read-only role that transactions of read-level users switch to. */
  readOnlyRole: string;
}

/** A transaction's client, the only handle domain functions get. */
export type Transaction = pg.PoolClient;

/** Options of withTransaction: the role and whether the work is kept. */
export interface TransactionOptions {
  /** Switch to the read-only role first, so PostgreSQL itself rejects a write even when a route forgot its access check. */
  readOnly: boolean;
  /**
   * Roll back after `work` succeeds instead of committing, for a dry run.
   * Nothing it wrote stays, and PostgreSQL sends the NOTIFY messages it
   * queued only on commit, so none of them is sent.
   */
  rollBack?: boolean;
}

/**
 * Runs `work` in one transaction and commits it, or rolls back on any error
 * (or always, with `rollBack`). With `readOnly`, the transaction first runs
 * `SET LOCAL ROLE <read-only role>`.
 */
export async function withTransaction<T>(
  database: DatabaseAccess,
  options: TransactionOptions,
  work: (transaction: Transaction) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await database.pool.connect();
  } catch (error) {
    throw translateDatabaseError(error);
  }

  // pg emits 'error' on a checked-out client whose connection drops, for
  // example when PostgreSQL restarts, and an 'error' event without a
  // listener ends the process. The statement in progress fails too, so the
  // listener only keeps the error: a later statement on the dead client
  // fails with a message that does not say the connection was lost.
  let connectionError: Error | undefined;
  const keepConnectionError = (error: Error) => {
    connectionError = error;
  };
  client.on('error', keepConnectionError);

  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    if (options.readOnly) await client.query(`SET LOCAL ROLE ${pg.escapeIdentifier(database.readOnlyRole)}`);
    const result = await work(client);
    await client.query(options.rollBack ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (error) {
    broken = await rollBack(client, error);
    throw translateDatabaseError(connectionError ?? error);
  } finally {
    client.off('error', keepConnectionError);
    // Passing an error makes the pool discard a client whose connection failed.
    client.release(broken ?? connectionError);
  }
}

async function rollBack(client: pg.PoolClient, cause: unknown): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch {
    return cause instanceof Error ? cause : new Error('rollback failed');
  }
}
