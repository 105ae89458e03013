import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/esmctl.js', import.meta.url));

/** What one esmctl process printed, and its exit code. */
export interface EsmctlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs esmctl as its own process against the platform configuration in
 * `configFile`, with no other environment than PATH, as an operator would.
 */
export async function runEsmctl(configFile: string, ...args: string[]): Promise<EsmctlResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ESM_PLATFORM_CONFIG: configFile } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
