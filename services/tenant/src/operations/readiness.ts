import type pg from 'pg';

/** Time the readiness query may take before the database counts as unreachable. */
const READINESS_QUERY_TIMEOUT_MS = 2_000;

/** Returns a check for `/readyz` that throws unless the tenant's database answers `SELECT 1` in time. */
export function createDatabaseReadinessCheck(pool: pg.Pool): () => Promise<void> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('database readiness query timed out')), READINESS_QUERY_TIMEOUT_MS);
    });
    try {
      await Promise.race([pool.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
