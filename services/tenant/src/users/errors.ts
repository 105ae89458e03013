import { defineError } from '@esm/common';

/** Error codes of user administration and of a user's own account. */
export const USER_ERRORS = {
  notFound: defineError('USER_NOT_FOUND', 404, {
    en: 'The user was not found.',
    sv: 'Användaren hittades inte.',
  }),
  /** An invitation for an e-mail address that belongs to an active or once active user. */
  alreadyExists: defineError('USER_ALREADY_EXISTS', 409, {
    en: 'A user with this e-mail address already exists. Change that user instead of inviting again.',
    sv: 'Det finns redan en användare med den här e-postadressen. Ändra den användaren i stället för att bjuda in igen.',
  }),
  /** An administrator may not lock themselves out: deactivating or demoting their own account. */
  selfChange: defineError('USER_SELF_CHANGE', 409, {
    en: 'You cannot deactivate your own account or lower your own access level. Ask another administrator.',
    sv: 'Du kan inte inaktivera ditt eget konto eller sänka din egen behörighet. Be en annan administratör.',
  }),
  /** The change would leave the workspace without an active administrator. */
  lastAdministrator: defineError('USER_LAST_ADMINISTRATOR', 409, {
    en: 'This is the last active administrator. Make another user an administrator first.',
    sv: 'Det här är den sista aktiva administratören. Gör först en annan användare till administratör.',
  }),
  /** The mail server or outbox did not accept the invitation e-mail, so the stored invitation's link was not delivered. */
  invitationMailFailed: defineError('USER_INVITATION_MAIL_FAILED', 503, {
    en: 'The invitation e-mail could not be sent. Try again in a moment; the new invitation replaces this one.',
    sv: 'Inbjudan kunde inte skickas med e-post. Försök igen om en stund; den nya inbjudan ersätter den här.',
  }),
  emailInvalid: defineError('USER_EMAIL_INVALID', 422, {
    en: 'The e-mail address is not valid. Enter an address such as name@example.com.',
    sv: 'E-postadressen är inte giltig. Ange en adress som namn@exempel.se.',
  }),
  mobileInvalid: defineError('USER_MOBILE_INVALID', 422, {
    en: 'The mobile number is not valid. Use digits, spaces, + and -, with 7 to 20 digits, for example +46 70 123 45 67.',
    sv: 'Mobilnumret är inte giltigt. Använd siffror, mellanslag, + och -, med 7 till 20 siffror, till exempel 070-123 45 67.',
  }),
};
