import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../../services/platform/src/config.js';

describe('docs/errors.md', () => {
  it('lists exactly the codes defined in the code', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(PROJECT_DIR, 'scripts', 'error-docs.mjs')]);
    const actual = await readFile(path.join(PROJECT_DIR, 'docs', 'errors.md'), 'utf8');
    expect(actual, 'run `npm run docs:errors` to regenerate docs/errors.md').toBe(stdout);
  });
});
