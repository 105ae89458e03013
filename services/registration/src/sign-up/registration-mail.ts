import { formatText, registrationOrigin, tenantOrigin, type Locale, type MailMessage, type PlatformConfig } from '@esm/common';
import type { Registration, RegistrationInput } from '../admin-api.js';
import { formatDateTime, textsFor } from '../pages/texts.js';

/**
 * Builds the link that opens the deployment page for a token, in the
 * contact's language. The workspace name in it lets the page link to the
 * workspace when admin reports the token as used or expired.
 */
export function deploymentLink(
  config: Pick<PlatformConfig, 'baseDomain' | 'publicHttpsPort'>,
  token: string,
  tenantName: string,
  locale: Locale,
): string {
  const query = new URLSearchParams({ token, name: tenantName, lang: locale });
  return `${registrationOrigin(config)}/deploy?${query.toString()}`;
}

/** Composes the e-mail that gives the contact the deployment link and its expiry. */
export function composeRegistrationMail(
  config: Pick<PlatformConfig, 'baseDomain' | 'publicHttpsPort'>,
  input: RegistrationInput,
  registration: Registration,
  locale: Locale,
): MailMessage {
  const texts = textsFor(locale);
  const values = {
    organisation: input.organisation,
    tenantName: registration.tenantName,
    tenantOrigin: tenantOrigin(config, registration.tenantName),
    deployLink: deploymentLink(config, registration.deploymentToken, registration.tenantName, locale),
    expiresAt: formatDateTime(registration.expiresAt, locale),
  };
  return {
    to: input.contactEmail,
    subject: formatText(texts.mailSubject, values),
    text: formatText(texts.mailBody, values),
  };
}
