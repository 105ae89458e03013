import { randomUUID } from 'node:crypto';
import { AppError, COMMON_ERRORS, createTemplateCredential, hashTemplateCredential, tenantOrigin } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { ADMIN_ERRORS } from '../errors.js';
import { requireTenant } from '../lifecycle/tenant-transitions.js';
import type { Actor, TenantRecord } from '../registry/tenant-store.js';
import { withTransaction } from '../registry/transaction.js';
import { TEMPLATE_GRANT_ERRORS } from './errors.js';
import { insertTemplateGrant, listTemplateGrantRecords, markTemplateGrantsRevoked, type TemplateGrantRecord } from './grant-store.js';
import {
  insertTemplateCredential,
  removeTemplateSource,
  revokeTemplateCredential,
  revokeTemplateCredentials,
  storeTemplateSource,
  withTenantOwner,
} from './tenant-template-tables.js';

/** Validity of a grant when the operator gives none, in days. */
export const DEFAULT_GRANT_DAYS = 365;
/** Maximum validity of a grant, in days. */
export const MAX_GRANT_DAYS = 3650;

const DAY_MS = 24 * 60 * 60 * 1000;

/** A grant as the admin API returns it. */
export interface TemplateGrantView {
  template: string;
  importer: string;
  credentialId: string;
  status: 'active' | 'expired' | 'revoked';
  grantedAt: string;
  grantedBy: Actor;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: Actor | null;
}

/**
 * Lets `importer` read the model of the template tenant `template` for
 * `days` days. Both tenants must exist; the template must be flagged and
 * active, the importer active or inactive, so that both have a database.
 *
 * It creates a random 32-byte credential, stores its SHA-256 in the
 * template's `template_credentials` and the credential with the template's
 * origin in the importer's `template_sources`, both with the tenants' owner
 * logins, and records the grant in the registry. A new grant replaces the
 * importer's earlier one, which is revoked in the template as soon as the
 * new hash is stored. The new registry row commits last, so a failure
 * leaves no record of a grant that does not work. A credential already
 * stored in the template is then revoked again, and the importer has no
 * working grant until the operator grants again.
 */
export function grantTemplate(context: AdminContext, template: string, importer: string, days: number, actor: Actor): Promise<TemplateGrantView> {
  if (!Number.isInteger(days) || days < 1 || days > MAX_GRANT_DAYS) {
    throw new AppError(COMMON_ERRORS.invalidRequest, { values: { reason: `days must be a whole number from 1 to ${MAX_GRANT_DAYS}` } });
  }
  if (template === importer) throw new AppError(TEMPLATE_GRANT_ERRORS.sameTenant, { values: { tenant: template } });
  return withBothLocks(context, template, importer, async () => {
    const templateTenant = await requireTenant(context, template);
    const importerTenant = await requireTenant(context, importer);
    if (!templateTenant.template) throw new AppError(TEMPLATE_GRANT_ERRORS.notATemplate, { values: { tenant: template } });
    requireState(templateTenant, ['active']);
    requireState(importerTenant, ['active', 'inactive']);

    const credential = createTemplateCredential();
    const credentialId = randomUUID();
    const expiresAt = new Date(Date.now() + days * DAY_MS);
    const record = await withTransaction(context.registry, async (registry) => {
      const inserted = await insertTemplateGrant(registry, { template, importer, credentialId, expiresAt, grantedBy: actor });
      await withTenantOwner(context, template, (client) =>
        insertTemplateCredential(client, { id: credentialId, importer, hash: hashTemplateCredential(credential), expiresAt }),
      );
      // insertTemplateCredential revoked the earlier credentials in the template, so the registry records
      // that whatever happens next. A pool connection cannot see the new row before this transaction commits.
      await markTemplateGrantsRevoked(context.registry, template, importer, actor);
      try {
        await withTenantOwner(context, importer, (client) =>
          storeTemplateSource(client, { template, origin: tenantOrigin(context.config, template), credential, expiresAt }),
        );
      } catch (error) {
        await revokeUnusedCredential(context, template, credentialId);
        throw error;
      }
      return inserted;
    });
    context.logger.info({ template, importer, credentialId, expiresAt: expiresAt.toISOString(), actor }, 'template granted');
    return toGrantView(record);
  });
}

/**
 * Revokes the active grant of `template` to `importer`: the credential in
 * the template's database first, because that is what stops the export,
 * then the copy in the importer's database and the registry record. Throws
 * TEMPLATE_GRANT_NOT_FOUND when there is no active grant.
 */
export function revokeTemplateGrant(context: AdminContext, template: string, importer: string, actor: Actor): Promise<{ revoked: number }> {
  return withBothLocks(context, template, importer, async () => {
    await requireTenant(context, template);
    await requireTenant(context, importer);
    const active = (await listTemplateGrantRecords(context.registry, template)).filter(
      (grant) => grant.importer === importer && grant.revokedAt === null,
    );
    if (active.length === 0) throw new AppError(TEMPLATE_GRANT_ERRORS.notFound, { values: { template, importer } });

    await withTenantOwner(context, template, (client) => revokeTemplateCredentials(client, importer));
    // The credential is worthless once the template rejects it, so an
    // importer whose database is gone (archived, say) does not block this.
    await withTenantOwner(context, importer, (client) => removeTemplateSource(client, template)).catch((error: unknown) =>
      context.logger.warn({ template, importer, err: error }, 'template credential revoked, but the importer copy could not be removed'),
    );
    const revoked = await markTemplateGrantsRevoked(context.registry, template, importer, actor);
    context.logger.info({ template, importer, revoked, actor }, 'template grant revoked');
    return { revoked };
  });
}

/** Returns every grant of a template, oldest first, with its status now. Throws TENANT_NOT_FOUND for an unknown template. */
export async function listTemplateGrants(context: AdminContext, template: string): Promise<TemplateGrantView[]> {
  await requireTenant(context, template);
  return (await listTemplateGrantRecords(context.registry, template)).map(toGrantView);
}

function requireState(tenant: TenantRecord, states: TenantRecord['state'][]): void {
  if (!states.includes(tenant.state)) throw new AppError(ADMIN_ERRORS.stateConflict, { values: { tenant: tenant.name, state: tenant.state } });
}

// Takes the two tenants' locks in name order, so that two grants between
// the same tenants in opposite roles cannot wait for each other.
function withBothLocks<T>(context: AdminContext, first: string, second: string, work: () => Promise<T>): Promise<T> {
  const [outer, inner] = [first, second].sort();
  return context.locks.run(outer!, () => context.locks.run(inner!, work));
}

async function revokeUnusedCredential(context: AdminContext, template: string, credentialId: string): Promise<void> {
  await withTenantOwner(context, template, (client) => revokeTemplateCredential(client, credentialId)).catch((error: unknown) =>
    context.logger.error({ template, credentialId, err: error }, 'unused template credential could not be revoked'),
  );
}

function toGrantView(record: TemplateGrantRecord): TemplateGrantView {
  const status = record.revokedAt !== null ? 'revoked' : record.expiresAt.getTime() <= Date.now() ? 'expired' : 'active';
  return {
    template: record.template,
    importer: record.importer,
    credentialId: record.credentialId,
    status,
    grantedAt: record.grantedAt.toISOString(),
    grantedBy: record.grantedBy,
    expiresAt: record.expiresAt.toISOString(),
    revokedAt: record.revokedAt?.toISOString() ?? null,
    revokedBy: record.revokedBy,
  };
}
