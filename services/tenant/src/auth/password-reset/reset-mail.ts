import type { Locale, MailMessage } from '@esm/common';

/** Builds the e-mail with the password reset link, in the user's language. */
export function buildPasswordResetMail(options: { to: string; locale: Locale; tenant: string; link: string; validMinutes: number }): MailMessage {
  const { to, tenant, link, validMinutes } = options;
  if (options.locale === 'sv') {
    return {
      to,
      subject: `Återställ ditt lösenord till ESM (${tenant})`,
      text: [
        'Hej!',
        '',
        `Någon har begärt en länk för att välja ett nytt lösenord till ditt konto i ${tenant}. Öppna länken för att välja lösenord:`,
        '',
        link,
        '',
        `Länken fungerar en gång och gäller i ${validMinutes} minuter. Du loggar in som vanligt med din andra faktor efteråt.`,
        'Om du inte har begärt länken kan du bortse från det här meddelandet. Ditt lösenord ändras inte.',
      ].join('\n'),
    };
  }
  return {
    to,
    subject: `Reset your password for ESM (${tenant})`,
    text: [
      'Hello,',
      '',
      `Someone requested a link to choose a new password for your account in ${tenant}. Open the link to choose a password:`,
      '',
      link,
      '',
      `The link works once and is valid for ${validMinutes} minutes. Afterwards you sign in as usual, with your second factor.`,
      'If you did not request this link, you can ignore this message. Your password does not change.',
    ].join('\n'),
  };
}

/** Builds the e-mail that informs a user that their password was changed, in the user's language. */
export function buildPasswordChangedMail(options: { to: string; locale: Locale; tenant: string }): MailMessage {
  const { to, tenant } = options;
  if (options.locale === 'sv') {
    return {
      to,
      subject: `Ditt lösenord till ESM (${tenant}) har ändrats`,
      text: [
        'Hej!',
        '',
        `Lösenordet till ditt konto i ${tenant} har ändrats via en länk för återställning, och alla dina inloggningar har avslutats.`,
        '',
        'Om det var du behöver du inte göra något. Om det inte var du ska du kontakta en administratör med en gång.',
      ].join('\n'),
    };
  }
  return {
    to,
    subject: `Your password for ESM (${tenant}) was changed`,
    text: [
      'Hello,',
      '',
      `The password of your account in ${tenant} was changed through a password reset link, and all your sessions were signed out.`,
      '',
      'If this was you, there is nothing to do. If it was not you, tell an administrator at once.',
    ].join('\n'),
  };
}
