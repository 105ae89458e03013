import { defineError } from '@esm/common';

/**
 * The errors esmctl reports itself, before or instead of a reply from
 * admin. esmctl prints only the code and the English message; the HTTP
 * status is kept for the shared error registry.
 */
export const ESMCTL_ERRORS = {
  /** Neither ESM_PLATFORM_CONFIG nor the data folder leads to a platform configuration. */
  configNotFound: defineError('ESMCTL_CONFIG_NOT_FOUND', 500, {
    en: 'No platform configuration at {file}. Start the platform with npm start, or set ESM_PLATFORM_CONFIG or ESM_DATA_DIR.',
    sv: 'Ingen plattformskonfiguration finns i {file}. Starta plattformen med npm start, eller ange ESM_PLATFORM_CONFIG eller ESM_DATA_DIR.',
  }),
  /** The cli credential file is missing or not readable by this user. */
  credentialUnreadable: defineError('ESMCTL_CREDENTIAL_UNREADABLE', 500, {
    en: 'The cli credential {file} could not be read. Run esmctl as the user that runs the platform.',
    sv: 'Inloggningsuppgiften för cli ({file}) kunde inte läsas. Kör esmctl som den användare som kör plattformen.',
  }),
  /** admin did not respond, because it is not running or is on another address. */
  adminUnreachable: defineError('ESMCTL_ADMIN_UNREACHABLE', 503, {
    en: 'admin at {url} did not respond. Check that the platform is running.',
    sv: 'admin på {url} svarade inte. Kontrollera att plattformen körs.',
  }),
  /** `esmctl outbox --count` was not a whole number of at least 1. */
  countInvalid: defineError('ESMCTL_COUNT_INVALID', 400, {
    en: 'The count "{count}" is invalid: give a whole number of at least 1.',
    sv: 'Antalet "{count}" är ogiltigt: ange ett heltal som är minst 1.',
  }),
  /**
   * `esmctl audit verify` found an entry that breaks the tenant's audit
   * chain: `hash` (the entry was changed), `link` (an entry before it was
   * changed, removed or inserted) or `anchor` (an entry that admin anchored
   * is missing or has another hash, so the chain was rewritten or cut).
   */
  auditChainBroken: defineError('AUDIT_CHAIN_BROKEN', 409, {
    en: 'The audit chain of {tenant} is broken at entry #{entry} (reason: {reason}). Find out who changed the audit log before you trust it again.',
    sv: 'Granskningskedjan för {tenant} är bruten vid post #{entry} (orsak: {reason}). Ta reda på vem som har ändrat granskningsloggen innan du litar på den igen.',
  }),
};
