import type { Command } from 'commander';
import type { CliOutput } from './cli.js';
import type { TenantDetail } from './output.js';

/** A request to admin that returns the reply body, or throws with admin's error code. */
export type LifecycleCall = <T>(method: string, path: string, timeoutMs: number, body?: unknown) => Promise<T>;

/** A tenant after a lifecycle change, with the steps of the operation that ran (null when nothing had to change). */
interface LifecycleReply extends TenantDetail {
  operation: { kind: string; outcome: string; steps: { step: string; status: string }[] } | null;
}

// Archiving takes a backup and may run a restore drill; restoring may load a backup.
const OPERATION_TIMEOUT_MS = 30 * 60_000;

/**
 * Adds `archive`, `restore-archived` (alias `unarchive`) and `delete`. Each
 * prints a progress line on stderr before it starts and one line per step
 * that ran, then the tenant's state on stdout.
 */
export function registerLifecycleCommands(program: Command, output: CliOutput, call: LifecycleCall, json: () => boolean): void {
  const run = async (name: string, action: string, progress: string, body?: unknown) => {
    output.stderr(`${progress} ${name}...\n`);
    const reply = await call<LifecycleReply>('POST', `/v1/tenants/${encodeURIComponent(name)}/${action}`, OPERATION_TIMEOUT_MS, body);
    for (const entry of reply.operation?.steps ?? []) output.stderr(`  ${entry.step}: ${entry.status}\n`);
    if (!reply.operation) output.stderr(`  nothing to do\n`);
    output.stdout(json() ? JSON.stringify(reply, null, 2) + '\n' : `${reply.name} is ${reply.state}\n`);
  };

  program
    .command('archive <name>')
    .description('stop a tenant for good: take a final backup, keep or drop its database (ESM_ARCHIVE_KEEP_DATABASE), mark it archived')
    .action((name: string) => run(name, 'archive', 'Archiving'));

  program
    .command('restore-archived <name>')
    .alias('unarchive')
    .description('make an archived tenant active again, restoring its final backup when its database was dropped')
    .action((name: string) => run(name, 'restore-archived', 'Restoring from archive'));

  program
    .command('delete <name>')
    .description('delete an archived tenant for good once its retention period has passed (database, roles, secret, backups)')
    .requiredOption('--confirm <name>', "the tenant's name again, to confirm")
    .action((name: string, options: { confirm: string }) => run(name, 'delete', 'Deleting', { confirm: options.confirm }));
}
