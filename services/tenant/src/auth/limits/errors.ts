import { defineError } from '@esm/common';

/** Error codes of the brute-force limits on sign-in. */
export const LIMIT_ERRORS = {
  /**
   * The e-mail address had five or more failed sign-ins in a row, and the
   * wait before the next attempt (2^(failures - 5) seconds) has not passed.
   * Sent for unknown addresses as well, so it reveals no account.
   */
  signInThrottled: defineError('SIGN_IN_THROTTLED', 429, {
    en: 'Too many failed sign-ins with this e-mail address. Wait {seconds} seconds and try again.',
    sv: 'För många misslyckade inloggningar med den här e-postadressen. Vänta {seconds} sekunder och försök igen.',
  }),
  /** The e-mail address is locked for 30 minutes after ten failed sign-ins in a row. */
  signInLocked: defineError('SIGN_IN_LOCKED', 429, {
    en: 'Sign-in with this e-mail address is locked after too many failed attempts. Try again in {minutes} minutes, or ask an administrator to unlock your account.',
    sv: 'Inloggning med den här e-postadressen är spärrad efter för många misslyckade försök. Försök igen om {minutes} minuter eller be en administratör att låsa upp ditt konto.',
  }),
  /** One client address sent more than 30 sign-in or invitation requests in a minute. */
  rateLimited: defineError('RATE_LIMITED', 429, {
    en: 'Too many requests from your address. Wait {seconds} seconds and try again.',
    sv: 'För många förfrågningar från din adress. Vänta {seconds} sekunder och försök igen.',
  }),
};
