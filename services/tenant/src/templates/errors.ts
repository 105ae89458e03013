import { defineError } from '@esm/common';

/** Error codes of the template export (on a template tenant) and the template import (on an importing tenant). */
export const TEMPLATE_ERRORS = {
  /**
   * The export was requested without a credential, with one that is
   * unknown, expired or revoked, or with one that admin issued to another
   * tenant than the one in the ESM-Importer header. Every case gets this
   * one code, so the response does not tell which.
   */
  credentialInvalid: defineError('TEMPLATE_CREDENTIAL_INVALID', 401, {
    en: 'The template credential is missing or invalid, or was issued to another tenant. Ask the platform operator for a new grant.',
    sv: 'Mallens inloggningsuppgift saknas eller är ogiltig, eller utfärdades till en annan kund. Be plattformens operatör om en ny behörighet.',
  }),
  /** The importing tenant has no grant for the template named in the path. */
  sourceNotFound: defineError('TEMPLATE_SOURCE_NOT_FOUND', 404, {
    en: 'This tenant has no access to the template {template}. Ask the platform operator to grant it.',
    sv: 'Den här kunden har ingen behörighet till mallen {template}. Be plattformens operatör att ge behörighet.',
  }),
  /** The importing tenant's grant for the template has expired. */
  sourceExpired: defineError('TEMPLATE_SOURCE_EXPIRED', 409, {
    en: 'The access to the template {template} expired at {expiresAt}. Ask the platform operator to grant it again.',
    sv: 'Behörigheten till mallen {template} gick ut {expiresAt}. Be plattformens operatör att ge behörighet igen.',
  }),
  /** The template responded to the export request with 401 or 404, because the credential was revoked or the tenant is no longer a template. */
  exportRejected: defineError('TEMPLATE_EXPORT_REJECTED', 502, {
    en: 'The template {template} did not accept this tenant\'s access. Ask the platform operator to grant it again. Nothing was imported.',
    sv: 'Mallen {template} godtog inte den här kundens behörighet. Be plattformens operatör att ge behörighet igen. Inget importerades.',
  }),
  /** The template could not be reached, timed out, or responded with an error or a body that is not a JSON document. */
  exportFailed: defineError('TEMPLATE_EXPORT_FAILED', 502, {
    en: 'The template {template} could not be read. Try again in a few minutes. Nothing was imported.',
    sv: 'Mallen {template} gick inte att läsa. Försök igen om några minuter. Inget importerades.',
  }),
};
