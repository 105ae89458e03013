import { defineError } from '@esm/common';

/** Error codes of second factors: one-time codes by SMS and e-mail, TOTP changes and recovery codes. */
export const FACTOR_ERRORS = {
  /** The SMS provider did not accept the message (an error status, a timeout or no connection). Nothing was stored. */
  smsSendFailed: defineError('SMS_SEND_FAILED', 503, {
    en: 'The text message with your code could not be sent. Try again in a moment, or choose another way to sign in.',
    sv: 'Sms:et med din kod kunde inte skickas. Försök igen om en stund eller välj ett annat sätt att logga in.',
  }),
  /** The mail server or outbox did not accept the e-mail with a one-time code. Nothing was stored. */
  emailSendFailed: defineError('EMAIL_SEND_FAILED', 503, {
    en: 'The e-mail with your code could not be sent. Try again in a moment, or choose another way to sign in.',
    sv: 'E-postmeddelandet med din kod kunde inte skickas. Försök igen om en stund eller välj ett annat sätt att logga in.',
  }),
  /** The factor is not set up for the user, such as SMS without a mobile number, or TOTP during enrolment. */
  factorUnavailable: defineError('SECOND_FACTOR_UNAVAILABLE', 422, {
    en: 'This way of signing in is not set up for your account. Choose another one.',
    sv: 'Det här sättet att logga in är inte inställt för ditt konto. Välj ett annat.',
  }),
  /** A TOTP confirmation (`/api/me/totp/confirm`, `/api/auth/enrolment/totp/confirm`) came before its start gave a new secret. */
  totpEnrolmentNotStarted: defineError('TOTP_ENROLMENT_NOT_STARTED', 409, {
    en: 'Start setting up the authenticator app before you confirm a code from it.',
    sv: 'Börja konfigurera autentiseringsappen innan du bekräftar en kod från den.',
  }),
};
