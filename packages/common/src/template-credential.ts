import { createHash, randomBytes } from 'node:crypto';

/**
 * The header in which an importing tenant names itself when it presents a
 * template credential. The template accepts a credential only from the
 * importer that admin issued it to.
 */
export const TEMPLATE_IMPORTER_HEADER = 'esm-importer';

/** Creates a template credential: 32 random bytes, base64url encoded. */
export function createTemplateCredential(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Returns the SHA-256 of a credential's text. admin stores it in the
 * template's database when it issues the credential, and the template
 * compares it with the hash of the credential an importer presents.
 */
export function hashTemplateCredential(credential: string): Buffer {
  return createHash('sha256').update(credential, 'utf8').digest();
}
