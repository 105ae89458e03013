import { Command, CommanderError } from 'commander';
import { AppError } from '@esm/common';
import { connectToAdmin, loadPlatformConfig, type AdminConnection } from './admin-connection.js';
import { formatMessages, readNewestMessages } from './outbox.js';
import { ESMCTL_ERRORS } from './errors.js';
import { registerBackupCommands } from './backup-commands.js';
import { registerAuditAndKeyCommands } from './audit-and-key-commands.js';
import { registerLifecycleCommands } from './lifecycle-commands.js';
import { registerMoveCommand } from './move-command.js';
import { registerTemplateCommands } from './template-commands.js';
import { formatTenantDetail, formatTenantList, type TenantDetail, type TenantSummary } from './output.js';

/** Output streams of esmctl: results go to `stdout`, progress and errors to `stderr`. */
export interface CliOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** An error reply from admin: `{ error: { code, message } }`. */
export class AdminReplyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// Deployments provision a database and wait for the tenant's health check.
const TRANSITION_TIMEOUT_MS = { deploy: 300_000, start: 120_000, stop: 60_000 };
const TRANSITION_PROGRESS = { deploy: 'Deploying', start: 'Starting', stop: 'Stopping' };

/**
 * Runs esmctl with the given arguments (without `node` and the script) and
 * returns the exit code: 0 on success, 1 on any error, after writing one
 * line `esmctl: CODE: message` to stderr.
 */
export async function runCli(args: string[], output: CliOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram(output, env);
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    output.stderr(`esmctl: ${describeError(error)}\n`);
    return 1;
  }
}

function buildProgram(output: CliOutput, env: NodeJS.ProcessEnv): Command {
  const program = new Command('esmctl')
    .description('Operate the tenants of an ESM platform through its admin service.')
    .option('--json', 'print the raw JSON reply from admin instead of text')
    .exitOverride()
    .configureOutput({ writeOut: output.stdout, writeErr: output.stderr });
  const json = () => program.opts<{ json?: boolean }>().json === true;
  const call = async <T>(method: string, path: string, timeoutMs?: number, body?: unknown): Promise<T> =>
    requestAdmin<T>(await connectToAdmin(env), method, path, timeoutMs, body);

  program
    .command('list')
    .description('list every tenant with its state and database server')
    .action(async () => {
      const reply = await call<{ tenants: TenantSummary[] }>('GET', '/v1/tenants');
      output.stdout((json() ? JSON.stringify(reply, null, 2) : formatTenantList(reply.tenants)) + '\n');
    });

  program
    .command('show <name>')
    .description("show one tenant's details and state history")
    .action(async (name: string) => {
      const tenant = await call<TenantDetail>('GET', `/v1/tenants/${encodeURIComponent(name)}`);
      output.stdout((json() ? JSON.stringify(tenant, null, 2) : formatTenantDetail(tenant)) + '\n');
    });

  program
    .command('outbox')
    .description('print the newest e-mails from the outbox folder, decoded (when no SMTP server is configured)')
    .option('-n, --count <count>', 'how many of the newest messages to print', '1')
    .action(async (options: { count: string }) => {
      const count = Number(options.count);
      if (!Number.isInteger(count) || count < 1) throw new AppError(ESMCTL_ERRORS.countInvalid, { values: { count: options.count } });
      const { outboxDir } = loadPlatformConfig(env).mail;
      const messages = await readNewestMessages(outboxDir, count);
      output.stdout((json() ? JSON.stringify(messages, null, 2) : formatMessages(messages, outboxDir)) + '\n');
    });

  const descriptions = {
    deploy: 'deploy a registered tenant, or resume its failed deployment, and wait until it is active',
    stop: 'stop an active tenant (it becomes inactive)',
    start: 'start an inactive tenant and wait until it answers',
  };
  for (const action of ['deploy', 'stop', 'start'] as const) {
    program
      .command(`${action} <name>`)
      .description(descriptions[action])
      .action(async (name: string) => {
        output.stderr(`${TRANSITION_PROGRESS[action]} ${name}...\n`);
        const path = `/v1/tenants/${encodeURIComponent(name)}/${action}`;
        const tenant = await call<TenantDetail>('POST', path, TRANSITION_TIMEOUT_MS[action]);
        output.stdout(json() ? JSON.stringify(tenant, null, 2) + '\n' : `${tenant.name} is ${tenant.state}\n`);
      });
  }
  registerBackupCommands(program, output, (method, path, body) => call(method, path, undefined, body), json);
  registerAuditAndKeyCommands(program, output, (method, path, timeoutMs) => call(method, path, timeoutMs), json);
  registerLifecycleCommands(program, output, (method, path, timeoutMs, body) => call(method, path, timeoutMs, body), json);
  registerMoveCommand(program, output, (method, path, body) => call(method, path, undefined, body), json);
  registerTemplateCommands(program, output, (method, path, timeoutMs, body) => call(method, path, timeoutMs, body), json);
  return program;
}

async function requestAdmin<T>(connection: AdminConnection, method: string, path: string, timeoutMs?: number, body?: unknown): Promise<T> {
  let response;
  try {
    response = await connection.client.request<T | { error?: { code?: string; message?: string } }>(method, path, body, { timeoutMs });
  } catch (error) {
    throw new AppError(ESMCTL_ERRORS.adminUnreachable, { values: { url: connection.baseUrl }, cause: error });
  }
  if (response.status >= 200 && response.status < 300) return response.body as T;
  const problem = (response.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  throw new AdminReplyError(problem?.code ?? `HTTP_${response.status}`, problem?.message ?? `admin responded with status ${response.status}`);
}

function describeError(error: unknown): string {
  if (error instanceof AdminReplyError) return `${error.code}: ${error.message}`;
  if (error instanceof AppError) return `${error.code}: ${error.userMessage('en')}`;
  return `ESMCTL_FAILED: ${error instanceof Error ? error.message : String(error)}`;
}
