import type { AdminContext } from '../admin-context.js';
import type { ProvisioningServer } from '../provisioning/tenant-database.js';
import { countTenantsByServer, findTenant, setDatabaseServer } from '../registry/tenant-store.js';

// Tenant names cannot contain underscores, so this lock key never names a tenant.
const PLACEMENT_LOCK = '_placement';

/**
 * Returns the server for the tenant's database. A tenant placed
 * earlier keeps its server; otherwise the server with the fewest tenants
 * (ties go to the one listed first) is chosen and recorded at once, one
 * placement at a time, so concurrent deployments see each other's choice.
 */
export async function placeTenantDatabase(context: AdminContext, tenant: string): Promise<ProvisioningServer> {
  return context.locks.run(PLACEMENT_LOCK, async () => {
    const recorded = (await findTenant(context.registry, tenant))?.databaseServer;
    if (recorded) {
      const server = context.servers.find((candidate) => candidate.id === recorded);
      if (!server) throw new Error(`tenant ${tenant} is on server ${recorded}, which is not configured`);
      return server;
    }
    const counts = await countTenantsByServer(context.registry);
    const chosen = chooseLeastUsedServer(context.servers, counts);
    await setDatabaseServer(context.registry, tenant, chosen.id);
    return chosen;
  });
}

/** Picks the server with the fewest tenants; the first listed wins a tie. */
export function chooseLeastUsedServer(servers: ProvisioningServer[], counts: ReadonlyMap<string, number>): ProvisioningServer {
  let chosen = servers[0];
  if (!chosen) throw new Error('no PostgreSQL server is configured');
  for (const server of servers) {
    if ((counts.get(server.id) ?? 0) < (counts.get(chosen.id) ?? 0)) chosen = server;
  }
  return chosen;
}
