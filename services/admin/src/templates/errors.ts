import { defineError } from '@esm/common';

/** The errors of admin's template grant routes. */
export const TEMPLATE_GRANT_ERRORS = {
  /** A grant names a tenant whose template flag is not set (`esmctl template <name> on` sets it). */
  notATemplate: defineError('TEMPLATE_GRANT_NOT_A_TEMPLATE', 409, {
    en: 'The tenant {tenant} is not a template. Mark it as a template first with "esmctl template {tenant} on".',
    sv: 'Kunden {tenant} är ingen mall. Markera den som mall först med "esmctl template {tenant} on".',
  }),
  /** A grant names the same tenant as template and importer. */
  sameTenant: defineError('TEMPLATE_GRANT_SAME_TENANT', 400, {
    en: 'A template cannot be granted to itself ({tenant}). Name another tenant as the importer.',
    sv: 'En mall kan inte delas med sig själv ({tenant}). Ange en annan kund som mottagare.',
  }),
  /** A revocation names a template and importer that have no active grant. */
  notFound: defineError('TEMPLATE_GRANT_NOT_FOUND', 404, {
    en: 'The tenant {importer} has no active grant for the template {template}.',
    sv: 'Kunden {importer} har ingen aktiv behörighet till mallen {template}.',
  }),
  /** admin could not read a tenant's secret or reach its database to write or revoke a credential. */
  databaseUnavailable: defineError('TEMPLATE_GRANT_DATABASE_UNAVAILABLE', 503, {
    en: 'The database of {tenant} could not be reached, so the template credential was not changed. Try again when it is running.',
    sv: 'Databasen för {tenant} gick inte att nå, så mallens inloggningsuppgift ändrades inte. Försök igen när den är i drift.',
  }),
};
