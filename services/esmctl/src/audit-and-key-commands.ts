import type { Command } from 'commander';
import { AppError } from '@esm/common';
import type { CliOutput } from './cli.js';
import { ESMCTL_ERRORS } from './errors.js';
import { formatTable } from './output.js';

/** A request to admin with a timeout, returning the reply body or throwing with admin's error code. */
export type TimedAdminCall = <T>(method: string, path: string, timeoutMs: number) => Promise<T>;

/** The reply of `POST /v1/tenants/:name/audit/verify`. */
interface AuditVerification {
  tenant: string;
  entries: number;
  head: { id: string; hash: string } | null;
  firstBroken: { id: string; reason: 'hash' | 'link' } | null;
  anchorMismatch: { id: string; recordedAt: string } | null;
  anchorsChecked: number;
  intact: boolean;
  anchored: boolean;
}

/** The reply of `POST /v1/tenants/:name/keys/rotate`. */
interface KeyRotation {
  tenant: string;
  kid: string;
  previousKid: string;
  retiredKids: string[];
  rotatedAt: string;
  restarted: boolean;
}

/** The reply of `GET /v1/tenants/:name/keys`. */
interface TenantKeys {
  tenant: string;
  keys: { kid: string; createdAt: string; current: boolean }[];
  rotations: { kid: string; previousKid: string; retiredKids: string[]; actor: string; at: string }[];
}

// Verification walks every entry of the log in one query, which takes long for a large log.
const VERIFY_TIMEOUT_MS = 600_000;
// A rotation restarts a running tenant and waits for its health check.
const ROTATE_TIMEOUT_MS = 120_000;
const LIST_TIMEOUT_MS = 10_000;

/** Adds `audit verify <name>`, `keys rotate <name>` and `keys list <name>`. */
export function registerAuditAndKeyCommands(program: Command, output: CliOutput, call: TimedAdminCall, json: () => boolean): void {
  const tenantPath = (name: string, suffix: string) => `/v1/tenants/${encodeURIComponent(name)}/${suffix}`;

  const audit = program.command('audit').description("check a tenant's audit log");
  audit
    .command('verify <name>')
    .description("recompute a tenant's audit chain and compare it with the anchors admin recorded; exits with 1 when it is broken")
    .action(async (name: string) => {
      output.stderr(`Verifying the audit chain of ${name}...\n`);
      const result = await call<AuditVerification>('POST', tenantPath(name, 'audit/verify'), VERIFY_TIMEOUT_MS);
      output.stderr(`Compared ${result.anchorsChecked} recorded anchors.${result.anchored ? ' Recorded the head as a new anchor.' : ''}\n`);
      output.stdout(json() ? JSON.stringify(result, null, 2) + '\n' : formatVerification(result) + '\n');
      const broken = firstBreak(result);
      if (broken) {
        throw new AppError(ESMCTL_ERRORS.auditChainBroken, { values: { tenant: name, entry: broken.id, reason: broken.reason } });
      }
    });

  const keys = program.command('keys').description("manage a tenant's token signing keys");
  keys
    .command('rotate <name>')
    .description('create a new signing key, keep the current one for tokens it signed, drop older ones and restart the tenant if it runs')
    .action(async (name: string) => {
      output.stderr(`Rotating the signing key of ${name}...\n`);
      const rotation = await call<KeyRotation>('POST', tenantPath(name, 'keys/rotate'), ROTATE_TIMEOUT_MS);
      output.stdout(json() ? JSON.stringify(rotation, null, 2) + '\n' : formatRotation(rotation) + '\n');
    });

  keys
    .command('list <name>')
    .description("list the key ids in a tenant's secret and its recorded rotations")
    .action(async (name: string) => {
      const reply = await call<TenantKeys>('GET', tenantPath(name, 'keys'), LIST_TIMEOUT_MS);
      output.stdout(json() ? JSON.stringify(reply, null, 2) + '\n' : formatKeys(reply) + '\n');
    });
}

/** Returns the first problem of a verification, a broken entry before an anchor mismatch, or null. */
function firstBreak(result: AuditVerification): { id: string; reason: 'hash' | 'link' | 'anchor' } | null {
  if (result.firstBroken) return result.firstBroken;
  if (result.anchorMismatch) return { id: result.anchorMismatch.id, reason: 'anchor' };
  return null;
}

function formatVerification(result: AuditVerification): string {
  const broken = firstBreak(result);
  if (!broken) {
    return `audit chain intact: ${result.entries} entries${result.head ? `, head #${result.head.id}` : ''}`;
  }
  const explanations = {
    hash: 'its hash does not match its content, so the entry was changed after it was written',
    link: 'it does not link to the entry before it, so an earlier entry was changed, removed or inserted',
    anchor: `the hash admin anchored on ${result.anchorMismatch?.recordedAt ?? '?'} no longer matches or the entry is gone, so the chain was rewritten or cut`,
  };
  return `audit chain broken at entry #${broken.id}: ${explanations[broken.reason]} (reason: ${broken.reason})`;
}

function formatRotation(rotation: KeyRotation): string {
  const lines = [`${rotation.tenant}: new tokens are signed with key ${rotation.kid}`, `tokens signed with ${rotation.previousKid} stay valid`];
  if (rotation.retiredKids.length > 0) lines.push(`tokens signed with ${rotation.retiredKids.join(', ')} are no longer accepted`);
  lines.push(rotation.restarted ? 'the tenant was restarted to load the key' : 'the tenant is not running; it loads the key when it starts');
  return lines.join('\n');
}

function formatKeys(reply: TenantKeys): string {
  const keys = formatTable(
    ['KID', 'CREATED', 'USE'],
    reply.keys.map((key) => [key.kid, key.createdAt, key.current ? 'signs and verifies' : 'verifies']),
  );
  const rotations = formatTable(
    ['AT', 'KID', 'PREVIOUS', 'RETIRED', 'ACTOR'],
    reply.rotations.map((rotation) => [rotation.at, rotation.kid, rotation.previousKid, rotation.retiredKids.join(', ') || '-', rotation.actor]),
  );
  return `${keys}\n\nRotations:\n${rotations}`;
}
