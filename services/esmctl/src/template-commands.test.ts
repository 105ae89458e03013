import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, dataPaths, readSecretFile, type TenantSecret } from '@esm/common';
import { registerAndDeploy, startAdminTestPlatform, type AdminTestPlatform } from '../../admin/src/test-support/admin-test-platform.js';
import { runMigrations } from '../../tenant/src/db/migrate.js';
import { runEsmctl } from './test-support/run-esmctl.js';

const TEMPLATE = 'cli-tmpl';
const IMPORTER = 'cli-imp';

describe('esmctl template commands', () => {
  let platform: AdminTestPlatform;
  let configFile: string;

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    configFile = path.join(platform.dir, 'platform.json');
    await writeFile(configFile, JSON.stringify({ ...platform.config, ports: { ...platform.config.ports, admin: platform.admin.port } }));
    const logger = createLogger('template-commands-test', { level: 'silent' });
    for (const tenant of [TEMPLATE, IMPORTER]) {
      await registerAndDeploy(platform, tenant);
      const secret = await readSecretFile<TenantSecret>(path.join(dataPaths(platform.config).tenantSecretsDir, `${tenant}.json`));
      // The fake tenant process runs no migrations; a grant writes to the template tables.
      await runMigrations(secret.database.owner, { app: secret.database.app.user, readOnly: secret.database.readOnly.user }, logger);
    }
  });

  afterAll(async () => platform.cleanup([TEMPLATE, IMPORTER]));

  const esmctl = (...args: string[]) => runEsmctl(configFile, ...args);

  it('grant, list and revoke', async () => {
    expect(await esmctl('template', TEMPLATE, 'on')).toMatchObject({ code: 0, stdout: `${TEMPLATE} is a template\n` });

    const granted = await esmctl('template', 'grant', TEMPLATE, '--to', IMPORTER, '--days', '10');
    expect(granted.code).toBe(0);
    expect(granted.stderr).toBe(`Granting ${TEMPLATE} to ${IMPORTER}...\n`);
    expect(granted.stdout).toMatch(new RegExp(`^${IMPORTER} may import ${TEMPLATE} until \\d{4}-\\d\\d-\\d\\dT`));

    const listed = await esmctl('template', 'grants', TEMPLATE);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^IMPORTER\s+STATUS\s+GRANTED\s+EXPIRES\s+REVOKED$/);
    expect(listed.stdout.split('\n')[1]).toMatch(new RegExp(`^${IMPORTER}\\s+active\\s`));

    expect(await esmctl('template', 'revoke', TEMPLATE, '--to', IMPORTER)).toMatchObject({
      code: 0,
      stdout: `${IMPORTER} may no longer import ${TEMPLATE}\n`,
    });
    const json = JSON.parse((await esmctl('--json', 'template', 'grants', TEMPLATE)).stdout) as { grants: { status: string }[] };
    expect(json.grants.map((grant) => grant.status)).toEqual(['revoked']);
  });

  it('grant without --to fails', async () => {
    const missing = await esmctl('template', 'grant', TEMPLATE);

    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--to <importer>' not specified");
  });

  it('grant with invalid days fails', async () => {
    const invalid = await esmctl('template', 'grant', TEMPLATE, '--to', IMPORTER, '--days', 'many');

    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('REQUEST_INVALID');
  });

  it('revoke without a grant fails', async () => {
    const missing = await esmctl('template', 'revoke', TEMPLATE, '--to', IMPORTER);

    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('TEMPLATE_GRANT_NOT_FOUND');
  });
});
