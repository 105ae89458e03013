import { defineError } from '@esm/common';

/** The errors of admin's audit verification. A broken chain is a result, not one of these. */
export const AUDIT_ERRORS = {
  /** admin could not connect to the tenant's database with its read-only login. */
  databaseUnavailable: defineError('AUDIT_DATABASE_UNAVAILABLE', 503, {
    en: 'The audit log of {tenant} could not be read because its database did not accept the connection. Check that the database server is running and try again.',
    sv: 'Granskningsloggen för {tenant} kunde inte läsas eftersom databasen inte tog emot anslutningen. Kontrollera att databasservern körs och försök igen.',
  }),
  /**
   * The audit table has no hash chain yet: the tenant has not started since
   * the migration that adds it, which runs when the tenant starts.
   */
  chainMissing: defineError('AUDIT_CHAIN_MISSING', 409, {
    en: 'The audit log of {tenant} has no hash chain yet, because the tenant has not started since the update that adds it. Start it with esmctl start {tenant} and verify again.',
    sv: 'Granskningsloggen för {tenant} har ingen hashkedja ännu, eftersom kunden inte har startat sedan uppdateringen som lägger till den. Starta kunden med esmctl start {tenant} och verifiera igen.',
  }),
  /**
   * The audit table or the function that defines an entry's content is no
   * longer what the migrations created, so a verification through it could
   * be made to pass. Someone with the owner role or a superuser changed it.
   */
  schemaChanged: defineError('AUDIT_SCHEMA_CHANGED', 409, {
    en: 'The audit log of {tenant} cannot be verified because {object} was changed outside the migrations.',
    sv: 'Granskningsloggen för {tenant} kan inte verifieras eftersom {object} har ändrats utanför migreringarna.',
  }),
};
