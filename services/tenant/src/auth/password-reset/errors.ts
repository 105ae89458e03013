import { defineError } from '@esm/common';

/** Error codes of password reset by e-mail. */
export const PASSWORD_RESET_ERRORS = {
  /** The reset token is unknown, used, replaced by a newer one or expired; the cases look alike on purpose. */
  passwordResetInvalid: defineError('PASSWORD_RESET_INVALID', 404, {
    en: 'This password reset link is not valid. It may have been used already, replaced by a newer link or have expired. Request a new link.',
    sv: 'Länken för att återställa lösenordet är inte giltig. Den kan redan ha använts, ha ersatts av en nyare länk eller ha gått ut. Begär en ny länk.',
  }),
};
