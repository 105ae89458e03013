import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../../services/platform/src/config.js';

const SCRIPT = path.join(PROJECT_DIR, 'scripts', 'audit-dependencies.mjs');

describe('dependency audit script', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'esm-audit-'));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function judge(report: unknown): Promise<{ status: number | null; stderr: string }> {
    const file = path.join(folder, `${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(report));
    const result = spawnSync(process.execPath, [SCRIPT, file]);
    return { status: result.status, stderr: result.stderr.toString() };
  }

  it('fails on a high vulnerability', async () => {
    const result = await judge({
      vulnerabilities: { tarball: { name: 'tarball', severity: 'high' } },
      metadata: { vulnerabilities: { low: 0, moderate: 0, high: 1, critical: 0, total: 1 } },
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('tarball (high)');
  });

  it('passes with only moderate ones', async () => {
    const result = await judge({
      vulnerabilities: { lodash: { name: 'lodash', severity: 'moderate' } },
      metadata: { vulnerabilities: { low: 0, moderate: 1, high: 0, critical: 0, total: 1 } },
    });

    expect(result.status).toBe(0);
  });

  it('passes and says so when advisories are unreachable', async () => {
    const result = await judge({ message: '405 Method Not Allowed', statusCode: 405 });

    expect(result.status).toBe(0);
    expect(result.stderr).toContain('advisory data unavailable');
  });
});
