import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROJECT_DIR } from './config.js';

describe('embedded-postgres module', () => {
  it('keeps the exit code of the process that loads it', () => {
    // A process that loads the module and ends with exit code 3; the library's
    // exit hooks would turn that into 0, hiding failed test runs.
    const module = pathToFileURL(path.join(PROJECT_DIR, 'services/platform/dist/embedded-postgres.js')).href;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(module)}); process.exitCode = 3;`]);

    expect(result.stderr.toString()).toBe('');
    expect(result.status).toBe(3);
  });
});
