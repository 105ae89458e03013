import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type TenantSecret } from '@esm/common';
import { startAdmin } from '../start-admin.js';
import {
  connectRegistry,
  fakeTenantStarts,
  registerAndDeploy,
  registrationBody,
  startAdminTestPlatform,
  type AdminTestPlatform,
} from '../test-support/admin-test-platform.js';
import {
  appendAuditEntries,
  migrateDeployedTenant,
  rewriteChainAsOwner,
  runAsOwner,
  tamperAsSuperuser,
} from '../test-support/tenant-audit-log.js';
import type { AuditVerification } from './verify-tenant-audit.js';

interface ErrorReply {
  error: { code: string; state?: string; message: string };
}

const TENANTS = ['audit-intact', 'audit-tampered', 'audit-rewritten', 'audit-schema', 'audit-sleeping'];
// Migrations 001 to 004 come before the chain (005-audit-chain).
const MIGRATIONS_BEFORE_CHAIN = 4;

describe('audit verification', () => {
  let platform: AdminTestPlatform;
  let registry: pg.Client;
  const secrets: Record<string, TenantSecret> = {};

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    registry = await connectRegistry(platform);
    for (const name of TENANTS) {
      await registerAndDeploy(platform, name);
      secrets[name] = await migrateDeployedTenant(platform, name);
      await appendAuditEntries(secrets[name], ['one', 'two', 'three', 'four']);
    }
  });

  afterAll(async () => {
    await registry?.end();
    await platform?.cleanup([...TENANTS, 'audit-registered', 'audit-unchained']);
  });

  const verify = (name: string) => platform.client('cli').request<AuditVerification & ErrorReply>('POST', `/v1/tenants/${name}/audit/verify`);

  async function anchorsOf(name: string) {
    const result = await registry.query<{ entry_id: string; hash: string }>(
      `SELECT entry_id::text, encode(hash, 'hex') AS hash FROM audit_anchors WHERE tenant = $1 ORDER BY entry_id`,
      [name],
    );
    return result.rows;
  }

  it('verifies an intact chain and anchors its head', async () => {
    const response = await verify('audit-intact');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      tenant: 'audit-intact',
      entries: 4,
      firstBroken: null,
      anchorMismatch: null,
      anchorsChecked: 0,
      intact: true,
      anchored: true,
    });
    expect(response.body.head?.id).toBe('4');
    expect(response.body.head?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await anchorsOf('audit-intact')).toEqual([{ entry_id: '4', hash: response.body.head!.hash }]);
  });

  it('anchors an unchanged head once', async () => {
    const response = await verify('audit-intact');

    expect(response.body).toMatchObject({ intact: true, anchored: false, anchorsChecked: 1 });
    expect(await anchorsOf('audit-intact')).toHaveLength(1);
  });

  it('finds an entry changed by a superuser', async () => {
    await tamperAsSuperuser(secrets['audit-tampered']!, `UPDATE esm.audit_entries SET summary = 'rewritten' WHERE id = 2`);

    const response = await verify('audit-tampered');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ entries: 4, firstBroken: { id: '2', reason: 'hash' }, intact: false, anchored: false });
    expect(await anchorsOf('audit-tampered')).toEqual([]);
  });

  it('finds a rewrite of the whole chain through the anchor', async () => {
    const first = await verify('audit-rewritten');
    expect(first.body).toMatchObject({ intact: true, anchored: true });
    await appendAuditEntries(secrets['audit-rewritten']!, ['five']);

    await rewriteChainAsOwner(secrets['audit-rewritten']!, '3', 'rewritten');
    const response = await verify('audit-rewritten');

    expect(response.body).toMatchObject({
      entries: 5,
      firstBroken: null,
      anchorMismatch: { id: '4' },
      anchorsChecked: 1,
      intact: false,
      anchored: false,
    });
    expect(await anchorsOf('audit-rewritten')).toEqual([{ entry_id: '4', hash: first.body.head!.hash }]);
  });

  it('finds a removed anchored entry', async () => {
    await tamperAsSuperuser(secrets['audit-intact']!, 'DELETE FROM esm.audit_entries WHERE id = 4');

    const response = await verify('audit-intact');

    expect(response.body).toMatchObject({ entries: 3, firstBroken: null, anchorMismatch: { id: '4' }, intact: false });
  });

  it('rejects row-level security on the audit table', async () => {
    await runAsOwner(secrets['audit-schema']!, 'ALTER TABLE esm.audit_entries ENABLE ROW LEVEL SECURITY');
    try {
      const response = await verify('audit-schema');
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('AUDIT_SCHEMA_CHANGED');
      expect(response.body.error.message).toContain('esm.audit_entries');
    } finally {
      await runAsOwner(secrets['audit-schema']!, 'ALTER TABLE esm.audit_entries DISABLE ROW LEVEL SECURITY');
    }
  });

  it('rejects a replaced content function', async () => {
    // A content function that hides the summary would let a changed summary pass unseen.
    await runAsOwner(
      secrets['audit-schema']!,
      `CREATE OR REPLACE FUNCTION esm.audit_entry_content(entry esm.audit_entries) RETURNS bytea
         LANGUAGE sql STABLE AS $$ SELECT pg_catalog.convert_to(entry.id::text, 'UTF8') $$`,
    );

    const response = await verify('audit-schema');

    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('AUDIT_SCHEMA_CHANGED');
    expect(response.body.error.message).toContain('esm.audit_entry_content');
    expect(await anchorsOf('audit-schema')).toEqual([]);
  });

  it('reports a log the chain migration has not reached', async () => {
    await registerAndDeploy(platform, 'audit-unchained');
    const secret = await migrateDeployedTenant(platform, 'audit-unchained', MIGRATIONS_BEFORE_CHAIN);
    await appendAuditEntries(secret, ['before the chain']);

    const response = await verify('audit-unchained');

    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('AUDIT_CHAIN_MISSING');
  });

  it('rejects a chain removed after it was anchored', async () => {
    const secret = await migrateDeployedTenant(platform, 'audit-unchained');
    expect((await verify('audit-unchained')).body).toMatchObject({ entries: 1, intact: true, anchored: true });
    await runAsOwner(
      secret,
      `DROP TRIGGER audit_entries_chain ON esm.audit_entries;
       DROP FUNCTION esm.audit_entry_content(esm.audit_entries);
       ALTER TABLE esm.audit_entries DROP COLUMN hash, DROP COLUMN previous_hash`,
    );

    const response = await verify('audit-unchained');

    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('AUDIT_SCHEMA_CHANGED');
  });

  it('verifies an inactive tenant without starting it', async () => {
    const stopped = await platform.client('cli').request<{ state: string }>('POST', '/v1/tenants/audit-sleeping/stop');
    expect(stopped.body.state).toBe('inactive');
    const starts = (await fakeTenantStarts(platform, 'audit-sleeping')).length;

    const response = await verify('audit-sleeping');

    expect(response.body).toMatchObject({ entries: 4, intact: true });
    expect(platform.admin.orchestrator.upstream('audit-sleeping')).toBeNull();
    expect((await fakeTenantStarts(platform, 'audit-sleeping')).length).toBe(starts);
  });

  it('rejects a registered tenant with TENANT_STATE_CONFLICT', async () => {
    const registered = await platform.client('registration').request('POST', '/v1/registrations', registrationBody('audit-registered'));
    expect(registered.status).toBe(201);

    const response = await verify('audit-registered');

    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'TENANT_STATE_CONFLICT', state: 'registered' });
  });

  it('rejects an unknown tenant with TENANT_NOT_FOUND', async () => {
    const response = await verify('no-such-tenant');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('TENANT_NOT_FOUND');
  });

  it('rejects callers other than cli', async () => {
    const response = await platform.client('gateway').request<ErrorReply>('POST', '/v1/tenants/audit-intact/audit/verify');
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('ADMIN_CALLER_FORBIDDEN');
  });

  it('anchors active tenants on an interval', async () => {
    await appendAuditEntries(secrets['audit-sleeping']!, ['while asleep']);
    const second = await startAdmin(
      { ...platform.config, auditAnchorIntervalMs: 100 },
      {
        logger: createLogger('admin-test', { level: 'silent' }),
        registryDatabase: platform.registryDatabase,
        port: 0,
        localOrchestrator: { tenantEntry: platform.fakeTenantScript },
      },
    );
    try {
      await second.restored;
      const deadline = Date.now() + 10_000;
      while ((await anchorsOf('audit-tampered')).length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await second.close();
    }

    // The scheduled round records heads without a walk, so the tampered tenant's head is anchored as well.
    expect(await anchorsOf('audit-tampered')).toEqual([{ entry_id: '4', hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const sleeping = await anchorsOf('audit-sleeping');
    expect(sleeping.map((anchor) => anchor.entry_id)).toEqual(['4']);
  });
});
