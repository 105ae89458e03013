import { createPublicKey } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantSecret } from '@esm/common';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import {
  connectRegistry,
  fakeTenantStarts,
  registerAndDeploy,
  startAdminTestPlatform,
  type AdminTestPlatform,
} from '../test-support/admin-test-platform.js';
import type { KeyRotation, TenantKeys } from './rotate-signing-key.js';

interface ErrorReply {
  error: { code: string; state?: string };
}

const TENANTS = ['keys-active', 'keys-inactive', 'keys-archived'];

describe('signing key rotation', () => {
  let platform: AdminTestPlatform;
  let registry: pg.Client;

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    registry = await connectRegistry(platform);
    for (const name of TENANTS) await registerAndDeploy(platform, name);
  });

  afterAll(async () => {
    await registry?.end();
    await platform?.cleanup(TENANTS);
  });

  const rotate = (name: string) => platform.client('cli').request<KeyRotation & ErrorReply>('POST', `/v1/tenants/${name}/keys/rotate`);
  const readSecret = async (name: string) => JSON.parse(await readFile(tenantSecretFile(platform, name), 'utf8')) as TenantSecret;

  it('puts a new key first and keeps the previous one', async () => {
    const before = await readSecret('keys-active');
    const startsBefore = await fakeTenantStarts(platform, 'keys-active');

    const response = await rotate('keys-active');

    expect(response.status).toBe(200);
    const after = await readSecret('keys-active');
    expect(after.signingKeys.map((key) => key.kid)).toEqual([response.body.kid, before.signingKeys[0]!.kid]);
    expect(after.signingKeys[1]).toEqual(before.signingKeys[0]);
    expect(createPublicKey(after.signingKeys[0]!.publicKeyPem).asymmetricKeyDetails?.namedCurve).toBe('secp521r1');
    expect(after.database).toEqual(before.database);
    expect((await stat(tenantSecretFile(platform, 'keys-active'))).mode & 0o777).toBe(0o600);
    expect(response.body).toMatchObject({ tenant: 'keys-active', previousKid: before.signingKeys[0]!.kid, retiredKids: [], restarted: true });

    const startsAfter = await fakeTenantStarts(platform, 'keys-active');
    expect(startsAfter).toHaveLength(startsBefore.length + 1);
    expect(platform.admin.orchestrator.upstream('keys-active')).not.toBeNull();
  });

  it('drops the oldest key on a second rotation', async () => {
    const before = await readSecret('keys-active');

    const response = await rotate('keys-active');

    const after = await readSecret('keys-active');
    expect(after.signingKeys.map((key) => key.kid)).toEqual([response.body.kid, before.signingKeys[0]!.kid]);
    expect(response.body.retiredKids).toEqual([before.signingKeys[1]!.kid]);
  });

  it('records each rotation without key material', async () => {
    const rows = await registry.query('SELECT * FROM signing_key_rotations WHERE tenant = $1 ORDER BY id', ['keys-active']);
    expect(rows.rows).toHaveLength(2);
    expect(Object.keys(rows.rows[0]).sort()).toEqual(['actor', 'id', 'kid', 'previous_kid', 'retired_kids', 'rotated_at', 'tenant']);
    expect(rows.rows[1]).toMatchObject({ actor: 'cli', previous_kid: rows.rows[0].kid });

    const listed = await platform.client('cli').request<TenantKeys>('GET', '/v1/tenants/keys-active/keys');
    const secret = await readSecret('keys-active');
    expect(listed.body.keys).toEqual(
      secret.signingKeys.map((key, index) => ({ kid: key.kid, createdAt: key.createdAt, current: index === 0 })),
    );
    expect(listed.body.rotations.map((rotation) => rotation.kid)).toEqual(rows.rows.map((row) => row.kid));
    expect(JSON.stringify(listed.body)).not.toContain('PRIVATE KEY');
  });

  it('rotates an inactive tenant without starting it', async () => {
    expect((await platform.client('cli').request<{ state: string }>('POST', '/v1/tenants/keys-inactive/stop')).body.state).toBe('inactive');
    const starts = (await fakeTenantStarts(platform, 'keys-inactive')).length;

    const response = await rotate('keys-inactive');

    expect(response.status).toBe(200);
    expect(response.body.restarted).toBe(false);
    expect((await readSecret('keys-inactive')).signingKeys[0]!.kid).toBe(response.body.kid);
    expect(platform.admin.orchestrator.upstream('keys-inactive')).toBeNull();
    expect((await fakeTenantStarts(platform, 'keys-inactive')).length).toBe(starts);
  });

  it('rejects an archived tenant with TENANT_STATE_CONFLICT', async () => {
    expect((await platform.client('cli').request<{ state: string }>('POST', '/v1/tenants/keys-archived/archive')).body.state).toBe('archived');
    const before = await readSecret('keys-archived');

    const response = await rotate('keys-archived');

    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'TENANT_STATE_CONFLICT', state: 'archived' });
    expect(await readSecret('keys-archived')).toEqual(before);
  });

  it('rejects an unknown tenant with TENANT_NOT_FOUND', async () => {
    const response = await rotate('no-such-tenant');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('TENANT_NOT_FOUND');
  });

  it('rejects callers other than cli', async () => {
    const response = await platform.client('registration').request<ErrorReply>('POST', '/v1/tenants/keys-active/keys/rotate');
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('ADMIN_CALLER_FORBIDDEN');
  });
});
