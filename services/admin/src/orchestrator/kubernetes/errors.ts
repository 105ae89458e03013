import { defineError } from '@esm/common';

/**
 * Errors of the Kubernetes orchestrator. Callers in admin turn a failed start
 * into TENANT_START_FAILED; these codes appear in admin's log and explain why.
 */
export const KUBERNETES_ERRORS = {
  /** Neither the tenant's secret file nor its Secret in the cluster exists, so the tenant has nothing to start with. */
  tenantSecretMissing: defineError('KUBERNETES_TENANT_SECRET_MISSING', 500, {
    en: 'The secret of tenant {tenant} was not found. Deploy the tenant again with esmctl deploy.',
    sv: 'Hemligheten för kunden {tenant} hittades inte. Driftsätt kunden igen med esmctl deploy.',
  }),
  /** The tenant's database host is a DNS name and no PostgreSQL pods are configured for its NetworkPolicy. */
  databasePeerUnknown: defineError('KUBERNETES_DATABASE_PEER_UNKNOWN', 500, {
    en: 'The network rule for the database of tenant {tenant} cannot be built. Configure the PostgreSQL pods or use an IP address.',
    sv: 'Nätverksregeln för databasen hos kunden {tenant} kan inte skapas. Ange PostgreSQL-poddarna eller använd en IP-adress.',
  }),
  /** The Kubernetes API server rejected a request or could not be reached. */
  apiRequestFailed: defineError('KUBERNETES_API_REQUEST_FAILED', 503, {
    en: 'The cluster rejected a change to tenant {tenant}. Try again in a minute.',
    sv: 'Klustret avvisade en ändring för kunden {tenant}. Försök igen om en minut.',
  }),
  /** The tenant's Deployment had no available replica before the start timeout. */
  startTimedOut: defineError('KUBERNETES_START_TIMED_OUT', 503, {
    en: 'The tenant {tenant} did not become available within {seconds} seconds. Try again in a minute.',
    sv: 'Kunden {tenant} blev inte tillgänglig inom {seconds} sekunder. Försök igen om en minut.',
  }),
};
