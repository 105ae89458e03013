import { defineError } from '@esm/common';

/** Error codes of invitations, sign-in and access tokens. */
export const AUTH_ERRORS = {
  /** The invitation token is unknown, already used or expired; the three look alike on purpose. */
  invitationInvalid: defineError('INVITATION_INVALID', 404, {
    en: 'This invitation link is not valid. It may have been used already or have expired. Ask an administrator for a new invitation.',
    sv: 'Inbjudningslänken är inte giltig. Den kan redan ha använts eller ha gått ut. Be en administratör om en ny inbjudan.',
  }),
  /** The TOTP step of an invitation came before its password step. */
  invitationPasswordRequired: defineError('INVITATION_PASSWORD_REQUIRED', 409, {
    en: 'Choose a password before you confirm the authenticator code.',
    sv: 'Välj ett lösenord innan du bekräftar koden från autentiseringsappen.',
  }),
  passwordTooShort: defineError('PASSWORD_TOO_SHORT', 422, {
    en: 'The password is too short. Use at least {minimum} characters.',
    sv: 'Lösenordet är för kort. Använd minst {minimum} tecken.',
  }),
  passwordTooLong: defineError('PASSWORD_TOO_LONG', 422, {
    en: 'The password is too long. Use at most {maximum} bytes; letters outside A–Z may take two or more bytes each.',
    sv: 'Lösenordet är för långt. Använd högst {maximum} byte; bokstäver utanför A–Z kan ta två eller fler byte var.',
  }),
  passwordInvalidCharacter: defineError('PASSWORD_INVALID_CHARACTER', 422, {
    en: 'The password contains a character that is not allowed (the NUL character).',
    sv: 'Lösenordet innehåller ett tecken som inte är tillåtet (NUL-tecknet).',
  }),
  totpCodeInvalid: defineError('TOTP_CODE_INVALID', 422, {
    en: 'The code is not valid. Enter the current six-digit code from your authenticator app.',
    sv: 'Koden är inte giltig. Ange den aktuella sexsiffriga koden från din autentiseringsapp.',
  }),
  /** Same response for an unknown e-mail, a wrong password, a wrong code and a used challenge. */
  signInFailed: defineError('SIGN_IN_FAILED', 401, {
    en: 'Sign-in failed. Check your e-mail address, password and code, and try again.',
    sv: 'Inloggningen misslyckades. Kontrollera e-postadress, lösenord och kod och försök igen.',
  }),
  /**
   * The current password given to confirm a change of the user's own second
   * factors (`POST /api/me/totp`, `POST /api/me/recovery-codes`) is wrong. A
   * 401 that does not end the session; it counts towards the sign-in limits.
   */
  reauthenticationFailed: defineError('REAUTHENTICATION_FAILED', 401, {
    en: 'The password is not correct. Enter your current password to confirm the change.',
    sv: 'Lösenordet är inte korrekt. Ange ditt nuvarande lösenord för att bekräfta ändringen.',
  }),
  tokenInvalid: defineError('AUTH_TOKEN_INVALID', 401, {
    en: 'Your session is not valid or has expired. Sign in again.',
    sv: 'Din session är ogiltig eller har gått ut. Logga in igen.',
  }),
};
