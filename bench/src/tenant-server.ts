import { createLogger, readSecretFile, type TenantSecret } from '@esm/common';
import { buildTenantApp } from '@esm/tenant/dist/app.js';
import { SwitchableTokenCache } from './switchable-token-cache.js';

/**
 * The tenant process that the benchmark loads: the real tenant app with the
 * production logger (level from ESM_LOG_LEVEL, default info), listening on
 * a free loopback port. It differs from the tenant's own entry point only
 * in its verified-token cache, which the parent switches off and on over
 * the IPC channel. Its database must already be migrated.
 */
type ParentMessage = { type: 'token-cache'; enabled: boolean } | { type: 'stop' };

async function main(): Promise<void> {
  const secretFile = process.env.ESM_BENCH_SECRET_FILE;
  if (!secretFile || !process.send) throw new Error('start this file through bench/src/tenant-process.ts, which sets ESM_BENCH_SECRET_FILE and an IPC channel');
  const secret = await readSecretFile<TenantSecret>(secretFile);
  const logger = createLogger('tenant').child({ tenant: secret.tenant });
  const verifiedTokens = new SwitchableTokenCache();
  const app = await buildTenantApp(secret, { logger, verifiedTokens });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('the tenant app has no TCP address');

  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'token-cache') {
      verifiedTokens.setEnabled(message.enabled);
      process.send!({ type: 'token-cache', enabled: message.enabled });
    } else if (message.type === 'stop') {
      void stop();
    }
  });
  // A parent that dies leaves no IPC channel; the server stops with it.
  process.on('disconnect', () => void stop());
  process.send({ type: 'listening', port: address.port });
}

main().catch((error: unknown) => {
  process.stderr.write(`tenant server failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
