import type { MailMessage } from '@esm/common';

/** Builds the invitation e-mail in the invitee's language. */
export function buildInvitationMail(options: {
  to: string;
  locale: 'en' | 'sv';
  tenant: string;
  link: string;
  validDays: number;
}): MailMessage {
  const { to, tenant, link, validDays } = options;
  if (options.locale === 'sv') {
    return {
      to,
      subject: `Inbjudan till ESM (${tenant})`,
      text: [
        'Hej!',
        '',
        `Du är inbjuden som administratör för ${tenant} i ESM. Öppna länken för att välja lösenord och koppla en autentiseringsapp:`,
        '',
        link,
        '',
        `Länken fungerar en gång och gäller i ${validDays} dagar. Om du inte väntade dig inbjudan kan du bortse från det här meddelandet.`,
      ].join('\n'),
    };
  }
  return {
    to,
    subject: `Invitation to ESM (${tenant})`,
    text: [
      'Hello,',
      '',
      `You are invited as the administrator of ${tenant} in ESM. Open the link to choose a password and set up an authenticator app:`,
      '',
      link,
      '',
      `The link works once and is valid for ${validDays} days. If you did not expect this invitation, you can ignore this message.`,
    ].join('\n'),
  };
}
