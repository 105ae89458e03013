import { AppError } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { TEMPLATE_ERRORS } from './errors.js';
import type { TemplateSource } from './template-client.js';

/** A template this tenant may import from, as `GET /api/templates` lists it: never with the credential. */
export interface TemplateSourceView {
  template: string;
  origin: string;
  expiresAt: string;
  grantedAt: string;
  expired: boolean;
}

/** Lists the templates admin granted this tenant, by name. Readable by the read-only role, which cannot see the credentials. */
export async function listTemplateSources(transaction: Transaction): Promise<TemplateSourceView[]> {
  const result = await transaction.query<{ template: string; origin: string; expires_at: Date; granted_at: Date; expired: boolean }>(
    'SELECT template, origin, expires_at, granted_at, expires_at <= now() AS expired FROM template_sources ORDER BY template',
  );
  return result.rows.map((row) => ({
    template: row.template,
    origin: row.origin,
    expiresAt: row.expires_at.toISOString(),
    grantedAt: row.granted_at.toISOString(),
    expired: row.expired,
  }));
}

/**
 * Reads the origin and credential of a granted template. Throws
 * TEMPLATE_SOURCE_NOT_FOUND without a grant and TEMPLATE_SOURCE_EXPIRED
 * after its expiry. Needs the app login, which may read the credential.
 */
export async function readTemplateSource(transaction: Transaction, template: string): Promise<TemplateSource> {
  const result = await transaction.query<{ origin: string; credential: string; expires_at: Date; expired: boolean }>(
    'SELECT origin, credential, expires_at, expires_at <= now() AS expired FROM template_sources WHERE template = $1',
    [template],
  );
  const row = result.rows[0];
  if (!row) throw new AppError(TEMPLATE_ERRORS.sourceNotFound, { values: { template } });
  if (row.expired) throw new AppError(TEMPLATE_ERRORS.sourceExpired, { values: { template, expiresAt: row.expires_at.toISOString() } });
  return { template, origin: row.origin, credential: row.credential };
}
