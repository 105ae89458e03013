import type { Command } from 'commander';
import { AppError, COMMON_ERRORS } from '@esm/common';
import type { CliOutput } from './cli.js';
import { formatTable } from './output.js';

/** A request to admin with a timeout and an optional body, returning the reply body or throwing with admin's error code. */
export type TemplateCall = <T>(method: string, path: string, timeoutMs: number, body?: unknown) => Promise<T>;

/** A grant as admin's template routes return it; never with the credential. */
interface TemplateGrant {
  template: string;
  importer: string;
  credentialId: string;
  status: 'active' | 'expired' | 'revoked';
  grantedAt: string;
  grantedBy: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

// Changing the flag restarts a running tenant and waits for its health check.
const FLAG_TIMEOUT_MS = 120_000;
// A grant or revocation writes to two tenant databases.
const GRANT_TIMEOUT_MS = 60_000;

/**
 * Adds `template <name> <on|off>` and its subcommands `grant`, `revoke` and
 * `grants`. A tenant literally named grant, revoke or grants cannot be
 * flagged through the first form, because the subcommand takes the word.
 */
export function registerTemplateCommands(program: Command, output: CliOutput, call: TemplateCall, json: () => boolean): void {
  const grantsPath = (template: string) => `/v1/templates/${encodeURIComponent(template)}/grants`;
  const print = (reply: unknown, text: string) => output.stdout(json() ? JSON.stringify(reply, null, 2) + '\n' : text + '\n');

  const template = program
    .command('template')
    .argument('<name>', 'the tenant')
    .argument('<on|off>', 'on marks it as a template, off clears the mark')
    .description('mark a tenant as a template (on), which is never stopped when idle and serves its model to importers, or clear the mark (off)')
    .action(async (name: string, value: string) => {
      if (value !== 'on' && value !== 'off') throw new AppError(COMMON_ERRORS.invalidRequest, { detail: `expected on or off, got "${value}"` });
      const reply = await call<{ name: string; template: boolean }>('POST', `/v1/tenants/${encodeURIComponent(name)}/template`, FLAG_TIMEOUT_MS, {
        template: value === 'on',
      });
      print(reply, `${reply.name} is ${reply.template ? 'a template' : 'not a template'}`);
    });

  template
    .command('grant <template>')
    .description("let a tenant import the template's meta-model, requirement sets and objects; replaces its earlier grant")
    .requiredOption('--to <importer>', 'the importing tenant')
    .option('--days <days>', 'days until the credential expires (1-3650, default 365)')
    .action(async (name: string, options: { to: string; days?: string }) => {
      output.stderr(`Granting ${name} to ${options.to}...\n`);
      const body = options.days === undefined ? { importer: options.to } : { importer: options.to, days: Number(options.days) };
      const grant = await call<TemplateGrant>('POST', grantsPath(name), GRANT_TIMEOUT_MS, body);
      print(grant, `${grant.importer} may import ${grant.template} until ${grant.expiresAt}`);
    });

  template
    .command('revoke <template>')
    .description("withdraw a tenant's grant of a template; its credential stops working at once")
    .requiredOption('--to <importer>', 'the importing tenant')
    .action(async (name: string, options: { to: string }) => {
      const reply = await call<{ template: string; importer: string; revoked: number }>(
        'DELETE',
        `${grantsPath(name)}/${encodeURIComponent(options.to)}`,
        GRANT_TIMEOUT_MS,
      );
      print(reply, `${reply.importer} may no longer import ${reply.template}`);
    });

  template
    .command('grants <template>')
    .description("list a template's grants, revoked and expired ones included")
    .action(async (name: string) => {
      const reply = await call<{ template: string; grants: TemplateGrant[] }>('GET', grantsPath(name), GRANT_TIMEOUT_MS);
      print(reply, formatGrants(reply.grants));
    });
}

function formatGrants(grants: TemplateGrant[]): string {
  if (grants.length === 0) return 'No grants.';
  return formatTable(
    ['IMPORTER', 'STATUS', 'GRANTED', 'EXPIRES', 'REVOKED'],
    grants.map((grant) => [grant.importer, grant.status, grant.grantedAt, grant.expiresAt, grant.revokedAt ?? '-']),
  );
}
