import type { Locale, MailMessage } from '@esm/common';

/**
 * Builds the e-mail that informs an account's owner that sign-in with their
 * address is locked after repeated failures, in the owner's language.
 */
export function buildLockMail(options: { to: string; locale: Locale; tenant: string; lockedUntil: Date; minutes: number }): MailMessage {
  const { to, tenant, minutes } = options;
  const until = options.lockedUntil.toISOString().replace('T', ' ').slice(0, 16);
  if (options.locale === 'sv') {
    return {
      to,
      subject: `Inloggningen till ESM (${tenant}) är spärrad`,
      text: [
        'Hej!',
        '',
        `Någon har misslyckats med att logga in med din e-postadress i ${tenant} flera gånger i rad. Inloggningen är därför spärrad i ${minutes} minuter, till ${until} UTC.`,
        '',
        'Om det var du behöver du inte göra något: vänta och försök igen. Om det inte var du kan någon försöka gissa ditt lösenord. Kontakta då en administratör.',
      ].join('\n'),
    };
  }
  return {
    to,
    subject: `Sign-in to ESM (${tenant}) is locked`,
    text: [
      'Hello,',
      '',
      `Someone failed to sign in with your e-mail address in ${tenant} several times in a row, so sign-in is locked for ${minutes} minutes, until ${until} UTC.`,
      '',
      'If this was you, there is nothing to do: wait and try again. If it was not you, someone may be trying to guess your password, so tell an administrator.',
    ].join('\n'),
  };
}
