import type { StateChange, TenantRecord } from '../registry/tenant-store.js';

/** Converts a tenant to the JSON shape the operator routes return. */
export function toTenantSummary(tenant: TenantRecord) {
  return {
    name: tenant.name,
    organisation: tenant.organisation,
    state: tenant.state,
    databaseServer: tenant.databaseServer,
    template: tenant.template,
    archivedAt: tenant.archivedAt?.toISOString() ?? null,
    archiveDatabaseKept: tenant.archiveDatabaseKept,
    deletedAt: tenant.deletedAt?.toISOString() ?? null,
    deletedBy: tenant.deletedBy,
    createdAt: tenant.createdAt.toISOString(),
    updatedAt: tenant.updatedAt.toISOString(),
  };
}

/** Converts a tenant with its contact details and state history to the JSON of `GET /v1/tenants/:name`. */
export function toTenantDetail(tenant: TenantRecord, history: StateChange[]) {
  return {
    ...toTenantSummary(tenant),
    contactEmail: tenant.contactEmail,
    contactMobile: tenant.contactMobile,
    locale: tenant.locale,
    history: history.map((change) => ({
      fromState: change.fromState,
      toState: change.toState,
      actor: change.actor,
      at: change.at.toISOString(),
    })),
  };
}
