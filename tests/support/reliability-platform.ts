import { readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { dataPaths, type TenantSecret } from '@esm/common';
import { EMBEDDED_SUPERUSER } from '../../services/platform/src/embedded-postgres.js';
import { gatewayRequest, type TestPlatform } from './platform.js';
import { acceptFirstInvitation, nextTotpCode, signInWithTotp } from './tenant-flow.js';
import type { SendRequest } from './reliability-workload.js';

/** Returns the host name of a tenant on the test platform. */
export function tenantHost(platform: TestPlatform, tenant: string): string {
  return `${tenant}.${platform.config.baseDomain}`;
}

/**
 * Finds the process id of a tenant's running process by the secret file in
 * its environment, which admin's local orchestrator sets and which lies in
 * this platform's own data folder. Reads /proc, so it works on Linux only,
 * and needs permission to read other processes' environment (the same user,
 * or root). Returns null when no such process runs.
 */
export async function findTenantProcess(platform: TestPlatform, tenant: string): Promise<number | null> {
  const secretVariable = `ESM_TENANT_SECRET_FILE=${path.join(dataPaths(platform.config).tenantSecretsDir, `${tenant}.json`)}`;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // A process may end while the folder is read, or belong to another user.
    const environment = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (environment.split('\0').includes(secretVariable)) return Number(entry);
  }
  return null;
}

/** Waits until `GET /api/me` through the gateway returns 200, and returns how long that took in ms. */
export async function waitUntilTenantResponds(platform: TestPlatform, tenant: string, token: string, timeoutMs = 60_000): Promise<number> {
  const startedAt = Date.now();
  while (Date.now() - startedAt < timeoutMs) {
    const response = await gatewayRequest(platform, tenantHost(platform, tenant), '/api/me', { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
    if (response?.status === 200) return Date.now() - startedAt;
    await sleep(100);
  }
  throw new Error(`tenant ${tenant} did not answer within ${timeoutMs} ms`);
}

/**
 * Invites a user with the given access level as the tenant's administrator,
 * accepts the invitation from the outbox with a password and TOTP, and signs
 * in through the gateway. Returns the user's access token.
 */
export async function signInInvitedUser(platform: TestPlatform, tenant: string, adminToken: string, email: string, accessLevel: 'read' | 'write' | 'admin'): Promise<string> {
  const invited = await gatewayRequest(platform, tenantHost(platform, tenant), '/api/users/invitations', {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email, accessLevel }),
  });
  if (invited.status !== 201) throw new Error(`inviting ${email} failed: ${invited.status} ${invited.body}`);
  const totpSecret = await acceptFirstInvitation(platform, tenant, email);
  return signInWithTotp(platform, tenant, email, nextTotpCode(totpSecret));
}

/** Opens a pool of the tenant's owner login, read from its secret file, for checks of the tenant's database. */
export async function openTenantDatabase(platform: TestPlatform, tenant: string): Promise<pg.Pool> {
  const file = path.join(dataPaths(platform.config).tenantSecretsDir, `${tenant}.json`);
  const secret = JSON.parse(await readFile(file, 'utf8')) as TenantSecret;
  return new pg.Pool({ ...secret.database.owner, max: 2 });
}

/** Returns a SendRequest that goes through the gateway's HTTPS port with a bearer token. */
export function sendThroughGateway(platform: TestPlatform, tenant: string, token: string): SendRequest {
  const host = tenantHost(platform, tenant);
  return async (method, requestPath, body) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await gatewayRequest(platform, host, requestPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, headers: response.headers, body: response.body };
  };
}

/** Opens a pool of the superuser of the platform's embedded PostgreSQL server, on its `postgres` database. */
export async function openPlatformSuperuserPool(platform: TestPlatform): Promise<pg.Pool> {
  const password = (await readFile(dataPaths(platform.config).embeddedPostgresPasswordFile, 'utf8')).trim();
  return new pg.Pool({ host: '127.0.0.1', port: platform.config.ports.embeddedPostgres, user: EMBEDDED_SUPERUSER, password, database: 'postgres', max: 1 });
}

/** Counts the server's connections to each of `databases`, from pg_stat_activity; a database without connections counts 0. */
export async function countConnections(superuser: pg.Pool, databases: string[]): Promise<Map<string, number>> {
  const result = await superuser.query<{ database: string; connections: number }>(
    'SELECT datname AS database, count(*)::int AS connections FROM pg_stat_activity WHERE datname = ANY($1) GROUP BY datname',
    [databases],
  );
  const counts = new Map(databases.map((database) => [database, 0]));
  for (const row of result.rows) counts.set(row.database, row.connections);
  return counts;
}

/**
 * Picks `size` consecutive loopback ports below the kernel's ephemeral
 * range (Linux's ip_local_port_range), all free right now. The default test
 * range lies inside the ephemeral range, where outgoing connections take
 * local ports, and with many tenants one of those can take a tenant's port
 * between admin's check and the tenant's listen.
 */
export async function findPortRangeBelowEphemeral(size: number): Promise<[number, number]> {
  const text = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768 60999');
  const ephemeralStart = Number(text.trim().split(/\s+/)[0]);
  for (let attempt = 0; attempt < 20; attempt++) {
    // A random start keeps two runs of the test on one machine apart.
    const first = 10_000 + Math.floor(Math.random() * (ephemeralStart - 10_000 - size));
    const ports = Array.from({ length: size }, (_, index) => first + index);
    if ((await Promise.all(ports.map(isPortFree))).every(Boolean)) return [first, first + size - 1];
  }
  throw new Error(`no ${size} free consecutive ports found below ${ephemeralStart}`);
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
