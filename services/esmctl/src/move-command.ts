import type { Command } from 'commander';
import { AdminReplyError, type CliOutput } from './cli.js';
import type { AdminCall } from './backup-commands.js';

/** A move job as `GET /v1/move-jobs/:id` returns it. */
interface MoveJob {
  id: string;
  tenant: string;
  fromServer: string;
  toServer: string;
  status: 'running' | 'succeeded' | 'failed';
  steps: { step: string; status: string; durationMs: number | null }[];
  progress: { phase: string; tablesDone: number; tablesTotal: number; rows: number } | null;
  downtimeMs: number | null;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}

const POLL_INTERVAL_MS = 300;

/** Adds `move`, which moves a tenant's database to another PostgreSQL server and prints each step on stderr. */
export function registerMoveCommand(program: Command, output: CliOutput, call: AdminCall, json: () => boolean): void {
  program
    .command('move <name> <server>')
    .description("move a tenant's database to another configured PostgreSQL server; the tenant is stopped meanwhile")
    .action(async (name: string, server: string) => {
      const started = await call<MoveJob>('POST', `/v1/tenants/${encodeURIComponent(name)}/move`, { server });
      output.stderr(`move ${name}: ${started.fromServer} -> ${started.toServer}, job ${started.id}\n`);
      const job = await followMove(call, output, started);
      if (json()) {
        output.stdout(JSON.stringify(job, null, 2) + '\n');
        return;
      }
      const kept = job.result?.oldDatabaseDropped === false ? `; the old database on ${job.fromServer} could not be dropped, see the admin log` : '';
      output.stdout(`${name}: moved from ${job.fromServer} to ${job.toServer}, downtime ${seconds(job.downtimeMs)}${kept}\n`);
    });
}

/** Polls a move until it ends, printing each step as it starts and ends; throws the job's error code. */
async function followMove(call: AdminCall, output: CliOutput, started: MoveJob): Promise<MoveJob> {
  let job = started;
  const printed = new Map<string, string>();
  for (;;) {
    for (const step of job.steps) {
      if (step.status === 'pending' || printed.get(step.step) === step.status) continue;
      printed.set(step.step, step.status);
      const took = step.durationMs === null || step.status === 'running' ? '' : ` (${seconds(step.durationMs)})`;
      output.stderr(`move ${job.tenant}: ${step.step} ${step.status}${took}\n`);
    }
    if (job.status !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    job = await call<MoveJob>('GET', `/v1/move-jobs/${encodeURIComponent(job.id)}`);
  }
  if (job.downtimeMs !== null) output.stderr(`move ${job.tenant}: downtime ${seconds(job.downtimeMs)}\n`);
  if (job.status === 'failed') throw new AdminReplyError(job.error?.code ?? 'MOVE_FAILED', job.error?.message ?? 'the move failed');
  return job;
}

function seconds(milliseconds: number | null): string {
  return `${((milliseconds ?? 0) / 1000).toFixed(1)} s`;
}
