import type { Locale } from '@esm/common';
import type { Queryable } from './transaction.js';

export const TENANT_STATES = ['registered', 'deploying', 'active', 'inactive', 'archived', 'deleted'] as const;
export type TenantState = (typeof TENANT_STATES)[number];

/** Author of a tenant change: an admin caller, or admin itself (`system`). */
export type Actor = 'registration' | 'cli' | 'default-backend' | 'gateway' | 'system';

/** One row of the tenant registry. */
export interface TenantRecord {
  name: string;
  organisation: string;
  contactEmail: string;
  contactMobile: string;
  locale: Locale;
  state: TenantState;
  /** Id of the PostgreSQL server with the tenant's database; null until placed. */
  databaseServer: string | null;
  /** A template is never scaled down when idle. */
  template: boolean;
  archivedAt: Date | null;
  /** Whether the database stayed on its server when the tenant was archived; null unless archived. */
  archiveDatabaseKept: boolean | null;
  /** The final backup taken at archiving, which a restore from archive loads. */
  archiveBackupId: string | null;
  deletedAt: Date | null;
  deletedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One recorded state transition. */
export interface StateChange {
  fromState: TenantState | null;
  toState: TenantState;
  actor: Actor;
  at: Date;
}

export interface NewTenant {
  name: string;
  organisation: string;
  contactEmail: string;
  contactMobile: string;
  locale: Locale;
}

const TENANT_COLUMNS = `name, organisation, contact_email AS "contactEmail", contact_mobile AS "contactMobile", locale,
  state, database_server AS "databaseServer", template, archived_at AS "archivedAt",
  archive_database_kept AS "archiveDatabaseKept", archive_backup_id AS "archiveBackupId",
  deleted_at AS "deletedAt", deleted_by AS "deletedBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Returns the tenant with this name, or null. */
export async function findTenant(db: Queryable, name: string): Promise<TenantRecord | null> {
  const result = await db.query<TenantRecord>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE name = $1`, [name]);
  return result.rows[0] ?? null;
}

/** Returns every tenant, ordered by name. */
export async function listTenants(db: Queryable): Promise<TenantRecord[]> {
  return (await db.query<TenantRecord>(`SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY name`)).rows;
}

/** Returns the recorded transitions of a tenant, oldest first. */
export async function listStateChanges(db: Queryable, name: string): Promise<StateChange[]> {
  const result = await db.query<StateChange>(
    `SELECT from_state AS "fromState", to_state AS "toState", actor, at
       FROM tenant_state_changes WHERE tenant = $1 ORDER BY id`,
    [name],
  );
  return result.rows;
}

/**
 * Inserts a tenant in state `registered` and records its creation. Returns
 * false, inserting nothing, when the name is taken by a tenant in any state.
 */
export async function insertTenant(db: Queryable, tenant: NewTenant, actor: Actor): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO tenants (name, organisation, contact_email, contact_mobile, locale, state)
     VALUES ($1, $2, $3, $4, $5, 'registered') ON CONFLICT (name) DO NOTHING`,
    [tenant.name, tenant.organisation, tenant.contactEmail, tenant.contactMobile, tenant.locale],
  );
  if (inserted.rowCount !== 1) return false;
  await recordStateChange(db, tenant.name, null, 'registered', actor);
  return true;
}

/**
 * Moves a tenant to `to` when its current state is one of `from`, and
 * records the transition. Returns the updated tenant, or null (changing
 * nothing) when the tenant is in another state. Run it inside a transaction
 * so that the state and its history change together.
 */
export async function changeTenantState(
  db: Queryable,
  name: string,
  from: readonly TenantState[],
  to: TenantState,
  actor: Actor,
): Promise<TenantRecord | null> {
  const previous = await db.query<{ state: TenantState }>('SELECT state FROM tenants WHERE name = $1 FOR UPDATE', [name]);
  const current = previous.rows[0]?.state;
  if (current === undefined || !from.includes(current)) return null;
  const updated = await db.query<TenantRecord>(
    `UPDATE tenants SET state = $2, updated_at = now() WHERE name = $1 RETURNING ${TENANT_COLUMNS}`,
    [name, to],
  );
  await recordStateChange(db, name, current, to, actor);
  return updated.rows[0] ?? null;
}

/** Records which PostgreSQL server contains the tenant's database. */
export async function setDatabaseServer(db: Queryable, name: string, serverId: string): Promise<void> {
  await db.query('UPDATE tenants SET database_server = $2, updated_at = now() WHERE name = $1', [name, serverId]);
}

/** Counts the tenants placed on each server, in any state. */
export async function countTenantsByServer(db: Queryable): Promise<Map<string, number>> {
  const result = await db.query<{ server: string; tenants: number }>(
    `SELECT database_server AS server, count(*)::int AS tenants
       FROM tenants WHERE database_server IS NOT NULL GROUP BY database_server`,
  );
  return new Map(result.rows.map((row) => [row.server, row.tenants]));
}

/** Returns the names of the tenants in one state. */
export async function listTenantNamesInState(db: Queryable, state: TenantState): Promise<string[]> {
  const result = await db.query<{ name: string }>('SELECT name FROM tenants WHERE state = $1 ORDER BY name', [state]);
  return result.rows.map((row) => row.name);
}

async function recordStateChange(db: Queryable, name: string, from: TenantState | null, to: TenantState, actor: Actor): Promise<void> {
  await db.query('INSERT INTO tenant_state_changes (tenant, from_state, to_state, actor) VALUES ($1, $2, $3, $4)', [
    name,
    from,
    to,
    actor,
  ]);
}
