import type { MailMessage } from '@esm/common';
import type { AccessLevel } from './access-level.js';

/** Phrases that complete "You are invited …" with what the invitee may do, by language and access level. */
const INVITED_AS: Record<'en' | 'sv', Record<AccessLevel, (tenant: string) => string>> = {
  en: {
    admin: (tenant) => `as an administrator of ${tenant} in ESM`,
    write: (tenant) => `to ${tenant} in ESM, where you can read and change the models`,
    read: (tenant) => `to ${tenant} in ESM, where you can read the models`,
  },
  sv: {
    admin: (tenant) => `som administratör för ${tenant} i ESM`,
    write: (tenant) => `till ${tenant} i ESM, där du kan läsa och ändra modellerna`,
    read: (tenant) => `till ${tenant} i ESM, där du kan läsa modellerna`,
  },
};

/** Builds the invitation e-mail in the invitee's language. */
export function buildInvitationMail(options: {
  to: string;
  locale: 'en' | 'sv';
  accessLevel: AccessLevel;
  tenant: string;
  link: string;
  validDays: number;
}): MailMessage {
  const { to, tenant, link, validDays } = options;
  const invitedAs = INVITED_AS[options.locale][options.accessLevel](tenant);
  if (options.locale === 'sv') {
    return {
      to,
      subject: `Inbjudan till ESM (${tenant})`,
      text: [
        'Hej!',
        '',
        `Du är inbjuden ${invitedAs}. Öppna länken för att välja lösenord och koppla en autentiseringsapp:`,
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
      `You are invited ${invitedAs}. Open the link to choose a password and set up an authenticator app:`,
      '',
      link,
      '',
      `The link works once and is valid for ${validDays} days. If you did not expect this invitation, you can ignore this message.`,
    ].join('\n'),
  };
}
