import { defineError } from '@esm/common';

/** Error codes of the sign-in steps besides SIGN_IN_FAILED, which auth/errors.ts defines for every step. */
export const SIGN_IN_ERRORS = {
  /** Five one-time codes were sent for one challenge already; a new password step gives a new challenge. */
  codeLimitReached: defineError('ONE_TIME_CODE_LIMIT', 429, {
    en: 'Too many codes were sent for this sign-in. Start again with your e-mail address and password.',
    sv: 'För många koder har skickats för den här inloggningen. Börja om med din e-postadress och ditt lösenord.',
  }),
  /** TOTP enrolment with a challenge whose user has an authenticator already. */
  enrolmentNotRequired: defineError('TOTP_ENROLMENT_NOT_REQUIRED', 409, {
    en: 'Your account already has an authenticator app. Sign in with a code from it.',
    sv: 'Ditt konto har redan en autentiseringsapp. Logga in med en kod från den.',
  }),
};
