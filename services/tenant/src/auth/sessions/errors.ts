import { defineError } from '@esm/common';

/** Error codes of sessions and refresh tokens. */
export const SESSION_ERRORS = {
  /**
   * A request authenticated by the refresh cookie came without the tenant's
   * own Origin. Browsers send the cookie with requests from other sites in
   * some cases, so the Origin check stops cross-site request forgery.
   */
  originRejected: defineError('ORIGIN_REJECTED', 403, {
    en: 'The request did not come from this workspace’s own page. Reload the page and try again.',
    sv: 'Förfrågan kom inte från arbetsytans egen sida. Ladda om sidan och försök igen.',
  }),
  /** The session was signed out or revoked, also when a used refresh token came back. */
  sessionRevoked: defineError('SESSION_REVOKED', 401, {
    en: 'You have been signed out. Sign in again.',
    sv: 'Du har loggats ut. Logga in igen.',
  }),
  /** The refresh token was unused for 12 hours or the session reached its 7 days. */
  sessionExpired: defineError('SESSION_EXPIRED', 401, {
    en: 'Your session has expired. Sign in again.',
    sv: 'Din session har gått ut. Logga in igen.',
  }),
};
