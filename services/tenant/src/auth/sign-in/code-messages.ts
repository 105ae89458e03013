import type { Locale, MailMessage } from '@esm/common';

/** Builds the text message with a one-time sign-in code, in the user's language. */
export function buildCodeSms(options: { locale: Locale; tenant: string; code: string; validMinutes: number }): string {
  const { tenant, code, validMinutes } = options;
  if (options.locale === 'sv') {
    return `Din inloggningskod till ESM (${tenant}) är ${code}. Den gäller i ${validMinutes} minuter. Dela den inte med någon.`;
  }
  return `Your sign-in code for ESM (${tenant}) is ${code}. It is valid for ${validMinutes} minutes. Do not share it with anyone.`;
}

/** Builds the e-mail with a one-time sign-in code, in the user's language. */
export function buildCodeMail(options: { to: string; locale: Locale; tenant: string; code: string; validMinutes: number }): MailMessage {
  const { to, tenant, code, validMinutes } = options;
  if (options.locale === 'sv') {
    return {
      to,
      subject: `Din inloggningskod till ESM (${tenant})`,
      text: [
        'Hej!',
        '',
        `Din kod för att logga in i ${tenant} är:`,
        '',
        code,
        '',
        `Koden gäller i ${validMinutes} minuter och fungerar en gång. Dela den inte med någon. Om du inte försöker logga in just nu har någon annan ditt lösenord: kontakta en administratör.`,
      ].join('\n'),
    };
  }
  return {
    to,
    subject: `Your sign-in code for ESM (${tenant})`,
    text: [
      'Hello,',
      '',
      `Your code for signing in to ${tenant} is:`,
      '',
      code,
      '',
      `The code is valid for ${validMinutes} minutes and works once. Do not share it with anyone. If you are not signing in right now, someone else has your password, so tell an administrator.`,
    ].join('\n'),
  };
}
