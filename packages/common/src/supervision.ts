/**
 * Environment variable set by a supervisor (the launcher for platform
 * services, admin for tenants) that holds the write end of the child's stdin.
 */
export const SUPERVISED_VARIABLE = 'ESM_SUPERVISED';

/**
 * Stops this process with SIGTERM, through its own shutdown handler, when
 * its supervisor exits. Services run in their own process groups so that a
 * Ctrl+C reaches only the launcher, which stops them in order; without this,
 * a launcher that died abruptly would leave them running. The supervisor's
 * end of stdin closes when it exits, whatever the cause.
 */
export function stopWithSupervisor(): void {
  if (process.env[SUPERVISED_VARIABLE] !== '1') return;
  process.stdin.on('close', () => process.kill(process.pid, 'SIGTERM'));
  process.stdin.on('error', () => undefined);
  process.stdin.resume();
  // The pipe must not keep the process alive once its servers have closed.
  (process.stdin as NodeJS.ReadStream & { unref?: () => void }).unref?.();
}
