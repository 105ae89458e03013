import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantSecret } from '@esm/common';
import { tenantSecretFile } from '../../admin/src/deployment/run-deployment.js';
import { registerAndDeploy, startAdminTestPlatform, type AdminTestPlatform } from '../../admin/src/test-support/admin-test-platform.js';
import {
  appendAuditEntries,
  migrateDeployedTenant,
  rewriteChainAsOwner,
  tamperAsSuperuser,
} from '../../admin/src/test-support/tenant-audit-log.js';
import { runEsmctl } from './test-support/run-esmctl.js';

const TENANTS = ['cli-audit-changed', 'cli-audit-rewritten', 'cli-keys'];

describe('esmctl audit and keys', () => {
  let platform: AdminTestPlatform;
  let configFile: string;
  const secrets: Record<string, TenantSecret> = {};

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    configFile = path.join(platform.dir, 'platform.json');
    await writeFile(configFile, JSON.stringify({ ...platform.config, ports: { ...platform.config.ports, admin: platform.admin.port } }));
    for (const name of TENANTS) {
      await registerAndDeploy(platform, name);
      secrets[name] = await migrateDeployedTenant(platform, name);
      await appendAuditEntries(secrets[name], ['one', 'two', 'three']);
    }
  });

  afterAll(async () => {
    await platform?.cleanup(TENANTS);
  });

  const esmctl = (...args: string[]) => runEsmctl(configFile, ...args);

  it('reports an intact chain with its head', async () => {
    const result = await esmctl('audit', 'verify', 'cli-audit-changed');

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('audit chain intact: 3 entries, head #3\n');
    expect(result.stderr).toContain('Verifying the audit chain of cli-audit-changed...');
  });

  it('names the entry a superuser changed', async () => {
    await tamperAsSuperuser(secrets['cli-audit-changed']!, `UPDATE esm.audit_entries SET summary = 'rewritten' WHERE id = 2`);

    const result = await esmctl('audit', 'verify', 'cli-audit-changed');

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^audit chain broken at entry #2: .*\(reason: hash\)\n$/);
    expect(result.stderr).toMatch(/\nesmctl: AUDIT_CHAIN_BROKEN: The audit chain of cli-audit-changed is broken at entry #2 \(reason: hash\)\. /);
  });

  it('finds a rewritten chain through the anchor', async () => {
    expect((await esmctl('audit', 'verify', 'cli-audit-rewritten')).code).toBe(0);
    await appendAuditEntries(secrets['cli-audit-rewritten']!, ['four']);
    await rewriteChainAsOwner(secrets['cli-audit-rewritten']!, '1', 'rewritten');

    const result = await esmctl('audit', 'verify', 'cli-audit-rewritten');

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^audit chain broken at entry #3: .*\(reason: anchor\)\n$/);
    expect(result.stderr).toContain('esmctl: AUDIT_CHAIN_BROKEN: The audit chain of cli-audit-rewritten is broken at entry #3 (reason: anchor).');
  });

  it('prints the verification as JSON', async () => {
    const result = await esmctl('--json', 'audit', 'verify', 'cli-keys');

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ tenant: 'cli-keys', entries: 3, intact: true, head: { id: '3' } });
  });

  it('rotates a key and lists it', async () => {
    const before = JSON.parse(await readFile(tenantSecretFile(platform, 'cli-keys'), 'utf8')) as TenantSecret;

    const rotated = await esmctl('keys', 'rotate', 'cli-keys');

    expect(rotated.code).toBe(0);
    const after = JSON.parse(await readFile(tenantSecretFile(platform, 'cli-keys'), 'utf8')) as TenantSecret;
    const [current, previous] = after.signingKeys.map((key) => key.kid);
    expect(previous).toBe(before.signingKeys[0]!.kid);
    expect(rotated.stdout).toBe(
      `cli-keys: new tokens are signed with key ${current}\ntokens signed with ${previous} stay valid\nthe tenant was restarted to load the key\n`,
    );
    const listed = await esmctl('keys', 'list', 'cli-keys');
    expect(listed.stdout).toMatch(new RegExp(`^KID\\s+CREATED\\s+USE\\n${current}\\s+\\S+\\s+signs and verifies\\n${previous}\\s+\\S+\\s+verifies\\n`));
    expect(listed.stdout).toMatch(new RegExp(`Rotations:\\nAT\\s+KID\\s+PREVIOUS\\s+RETIRED\\s+ACTOR\\n\\S+\\s+${current}\\s+${previous}\\s+-\\s+cli\\n$`));
  });

  it('rejects rotation of an unknown tenant', async () => {
    const result = await esmctl('keys', 'rotate', 'no-such-tenant');

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\nesmctl: TENANT_NOT_FOUND: /);
  });
});
