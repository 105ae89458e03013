import type { Command } from 'commander';
import { AdminReplyError, type CliOutput } from './cli.js';
import { formatTable } from './output.js';

/** A request to admin that returns the reply body, or throws with admin's error code. */
export type AdminCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** A backup, restore or drill job as `GET /v1/backup-jobs/:id` returns it. */
interface BackupJob {
  id: string;
  kind: 'backup' | 'restore' | 'drill';
  tenant: string;
  backupId: string | null;
  status: 'running' | 'succeeded' | 'failed';
  progress: { phase: string; tablesDone: number; tablesTotal: number; rows: number };
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}

/** A backup as `GET /v1/tenants/:name/backups` lists it. */
interface BackupSummary {
  id: string;
  outcome: string;
  startedAt: string;
  sizeBytes: number | null;
  rows: number | null;
  migrationVersion: string | null;
  errorCode: string | null;
}

const POLL_INTERVAL_MS = 300;

/** Adds `backup`, `backups`, `restore` and `drill`, which start a job in admin and follow its progress on stderr. */
export function registerBackupCommands(program: Command, output: CliOutput, call: AdminCall, json: () => boolean): void {
  const tenantPath = (name: string, suffix: string) => `/v1/tenants/${encodeURIComponent(name)}/${suffix}`;
  const finish = (job: BackupJob, line: string) => output.stdout(json() ? JSON.stringify(job, null, 2) + '\n' : line + '\n');

  program
    .command('backup <name>')
    .description("back up a tenant's database to an archive under <data folder>/backups/<name>")
    .action(async (name: string) => {
      const job = await followJob(call, output, await call<BackupJob>('POST', tenantPath(name, 'backups')));
      const result = job.result ?? {};
      finish(job, `${name}: backup ${String(result.backupId)} written (${String(result.sizeBytes)} bytes, ${String(result.rows)} rows)`);
    });

  program
    .command('backups <name>')
    .description("list a tenant's backups, newest first")
    .action(async (name: string) => {
      const reply = await call<{ backups: BackupSummary[] }>('GET', tenantPath(name, 'backups'));
      if (json()) {
        output.stdout(JSON.stringify(reply, null, 2) + '\n');
        return;
      }
      const rows = reply.backups.map((backup) => [
        backup.id,
        backup.startedAt,
        backup.outcome === 'failed' ? `failed (${backup.errorCode ?? 'unknown'})` : backup.outcome,
        backup.sizeBytes === null ? '-' : String(backup.sizeBytes),
        backup.rows === null ? '-' : String(backup.rows),
        backup.migrationVersion ?? '-',
      ]);
      output.stdout(formatTable(['ID', 'STARTED', 'OUTCOME', 'BYTES', 'ROWS', 'SCHEMA VERSION'], rows) + '\n');
    });

  program
    .command('restore <name> <backup>')
    .description("replace every row of a tenant's database with a backup (the tenant is stopped meanwhile)")
    .option('--yes', 'confirm that the current rows are to be replaced')
    .action(async (name: string, backup: string, options: { yes?: boolean }) => {
      const body = { backup, confirm: options.yes === true };
      const job = await followJob(call, output, await call<BackupJob>('POST', tenantPath(name, 'restore'), body));
      const started = job.result?.started === false ? `; the tenant did not start, run esmctl start ${name}` : '';
      finish(job, `${name}: restored from backup ${backup} in ${seconds(job)} (${describeTables(job)})${started}`);
    });

  program
    .command('drill <name>')
    .description("restore a tenant's newest backup into a scratch database, check it and drop it")
    .action(async (name: string) => {
      const job = await followJob(call, output, await call<BackupJob>('POST', tenantPath(name, 'restore-drill')));
      const audit = job.result?.audit as { entries?: number; chainChecked?: boolean } | undefined;
      const chain = audit?.chainChecked ? 'hash chain links' : 'no hash chain to check';
      finish(job, `${name}: restore drill of backup ${String(job.backupId)} passed in ${seconds(job)} (${describeTables(job)}; ${audit?.entries ?? 0} audit entries, ${chain})`);
    });
}

/** Polls a job until it ends, writing a progress line to stderr whenever it moves; throws the job's error code. */
async function followJob(call: AdminCall, output: CliOutput, started: BackupJob): Promise<BackupJob> {
  let job = started;
  let lastLine = '';
  for (;;) {
    const { phase, tablesDone, tablesTotal, rows } = job.progress;
    const line = `${job.kind} ${job.tenant}: ${phase}, ${tablesDone}/${tablesTotal} tables, ${rows} rows`;
    if (line !== lastLine && job.status === 'running') output.stderr(line + '\n');
    lastLine = line;
    if (job.status === 'succeeded') return job;
    if (job.status === 'failed') throw new AdminReplyError(job.error?.code ?? 'BACKUP_FAILED', job.error?.message ?? `the ${job.kind} failed`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    job = await call<BackupJob>('GET', `/v1/backup-jobs/${encodeURIComponent(job.id)}`);
  }
}

function seconds(job: BackupJob): string {
  return `${(Number(job.result?.durationMs ?? 0) / 1000).toFixed(1)} s`;
}

function describeTables(job: BackupJob): string {
  const tables = (job.result?.tables ?? []) as { rows: number }[];
  return `${tables.reduce((total, table) => total + table.rows, 0)} rows in ${tables.length} tables`;
}
