import { timingSafeEqual } from 'node:crypto';
import { AppError, hashTemplateCredential } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { TEMPLATE_ERRORS } from './errors.js';

/** A credential that passed the check: its row id and the importer admin issued it to. */
export interface VerifiedTemplateCredential {
  id: string;
  importer: string;
}

interface CredentialRow {
  id: string;
  importer: string;
  credential_hash: Buffer;
  expired: boolean;
  revoked: boolean;
}

/**
 * Checks the credential in an `Authorization: Bearer` header against
 * `template_credentials`: its SHA-256 must match a row that is neither
 * expired nor revoked, and whose importer is `importer` (the ESM-Importer
 * header). Throws TEMPLATE_CREDENTIAL_INVALID otherwise, with the reason in
 * the log detail only.
 *
 * Every request does the same work whatever it presents: one query that
 * reads every row, and a constant-time comparison with each row's hash, so
 * the response time reveals nothing about how close a guess came. The time
 * grows with the number of rows, which admin adds one per grant.
 * Needs the app login: the read-only role cannot read the hashes.
 */
export async function verifyTemplateCredential(
  transaction: Transaction,
  authorization: string | undefined,
  importer: string | undefined,
): Promise<VerifiedTemplateCredential> {
  const presented = /^Bearer ([^\s]+)$/i.exec(authorization ?? '')?.[1] ?? '';
  const presentedHash = hashTemplateCredential(presented);
  const result = await transaction.query<CredentialRow>(
    'SELECT id, importer, credential_hash, expires_at <= now() AS expired, revoked_at IS NOT NULL AS revoked FROM template_credentials',
  );

  let match: CredentialRow | undefined;
  for (const row of result.rows) {
    // Both are SHA-256 digests of 32 bytes; a row of another length (written by hand) never matches.
    const equal = row.credential_hash.length === presentedHash.length && timingSafeEqual(row.credential_hash, presentedHash);
    if (equal) match = row;
  }

  const problem = credentialProblem(presented, match, importer);
  if (problem !== null || !match) throw new AppError(TEMPLATE_ERRORS.credentialInvalid, { detail: problem ?? 'unknown credential' });
  return { id: match.id, importer: match.importer };
}

function credentialProblem(presented: string, match: CredentialRow | undefined, importer: string | undefined): string | null {
  if (!presented) return 'no bearer credential';
  if (!match) return 'unknown credential';
  if (match.revoked) return 'credential revoked';
  if (match.expired) return 'credential expired';
  if (match.importer !== importer) return 'credential issued to another importer';
  return null;
}
