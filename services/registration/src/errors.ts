import { defineError, defineFieldMessages } from '@esm/common';

/** The errors that the registration pages show, each with its own code. */
export const REGISTRATION_ERRORS = {
  /** admin rejected one or more fields of the sign-up form, so the form is shown again. */
  formInvalid: defineError('REGISTRATION_FORM_INVALID', 422, {
    en: 'Some fields need to be corrected. See the message next to each field.',
    sv: 'Några fält behöver rättas. Se meddelandet vid varje fält.',
  }),
  /** A POST whose Origin is another site: a cross-site request forgery attempt or a copied form. */
  originRejected: defineError('REGISTRATION_ORIGIN_REJECTED', 403, {
    en: 'The form was sent from another site, so it was rejected. Open the registration page and send the form from there.',
    sv: 'Formuläret skickades från en annan webbplats och avvisades. Öppna registreringssidan och skicka formuläret därifrån.',
  }),
  /** A POST without the form token that matches the CSRF cookie. */
  formTokenInvalid: defineError('REGISTRATION_FORM_TOKEN_INVALID', 403, {
    en: 'The form has expired or could not be verified. Reload the page and submit the form again. This site needs cookies to be enabled.',
    sv: 'Formuläret har gått ut eller kunde inte verifieras. Ladda om sidan och skicka formuläret igen. Webbplatsen måste få använda kakor (cookies).',
  }),
  /** Too many POSTs from one client address within the rate-limit window. */
  rateLimited: defineError('REGISTRATION_RATE_LIMITED', 429, {
    en: 'Too many attempts from your address. Wait {seconds} seconds and try again.',
    sv: 'För många försök från din adress. Vänta {seconds} sekunder och försök igen.',
  }),
  /** admin stored the registration, but the e-mail with the deployment link could not be sent. */
  mailFailed: defineError('REGISTRATION_MAIL_FAILED', 500, {
    en: 'Your registration was saved, but the e-mail with the deployment link could not be sent. Contact support and quote the reference id.',
    sv: 'Registreringen sparades, men e-postmeddelandet med länken för driftsättning kunde inte skickas. Kontakta supporten och ange referens-id:t.',
  }),
  /** The deployment link has no token, a malformed one, or one admin does not know. */
  deploymentTokenInvalid: defineError('DEPLOYMENT_PAGE_TOKEN_INVALID', 400, {
    en: 'The deployment link is invalid. Check that you opened the complete link from the e-mail.',
    sv: 'Länken för driftsättning är ogiltig. Kontrollera att du öppnade hela länken från e-postmeddelandet.',
  }),
  /**
   * The token has already started a deployment, and a token works only once.
   * admin also returns this when the workspace left `registered` in another
   * way, e.g. when the operator deployed it with `esmctl deploy`.
   */
  deploymentTokenUsed: defineError('DEPLOYMENT_PAGE_TOKEN_USED', 410, {
    en: 'This deployment link has already been used, so the workspace has been deployed or is being deployed now. Each link works only once.',
    sv: 'Länken för driftsättning har redan använts, så arbetsytan är redan driftsatt eller håller på att driftsättas. Varje länk fungerar bara en gång.',
  }),
  /**
   * The token is past its expiry time. The workspace stays registered and
   * keeps its name, so only the operator can deploy it under that name.
   */
  deploymentTokenExpired: defineError('DEPLOYMENT_PAGE_TOKEN_EXPIRED', 410, {
    en: 'This deployment link has expired. The name stays reserved, so to register again you need to choose another name. To keep the name, ask the platform operator to deploy the workspace with esmctl deploy.',
    sv: 'Länken för driftsättning har gått ut. Namnet är fortfarande reserverat, så om du registrerar dig igen behöver du välja ett annat namn. Om du vill behålla namnet kan du be plattformens operatör att driftsätta arbetsytan med esmctl deploy.',
  }),
  /** A deployment id that is malformed or that admin does not know. */
  deploymentNotFound: defineError('DEPLOYMENT_PAGE_NOT_FOUND', 404, {
    en: 'The deployment was not found. Check the address of the page.',
    sv: 'Driftsättningen hittades inte. Kontrollera sidans adress.',
  }),
  /** admin reports that a step of the deployment failed. The progress page shows this code. */
  deploymentFailed: defineError('DEPLOYMENT_PAGE_FAILED', 500, {
    en: 'The deployment failed. Contact support and quote the reference id.',
    sv: 'Driftsättningen misslyckades. Kontakta supporten och ange referens-id:t.',
  }),
};

/** The field codes admin returns in `error.fields` of REGISTRATION_INVALID. */
export const REGISTRATION_FIELD_CODES = [
  'ORGANISATION_REQUIRED',
  'TENANT_NAME_INVALID',
  'TENANT_NAME_RESERVED',
  'TENANT_NAME_TAKEN',
  'CONTACT_EMAIL_INVALID',
  'CONTACT_MOBILE_INVALID',
] as const;

defineFieldMessages({
  ORGANISATION_REQUIRED: {
    en: 'Enter the name of your organisation.',
    sv: 'Ange organisationens namn.',
  },
  TENANT_NAME_INVALID: {
    en: 'Use 3–40 lowercase letters (a–z), digits and hyphens, and start and end with a letter or digit.',
    sv: 'Använd 3–40 gemener (a–z), siffror och bindestreck, och börja och sluta med en bokstav eller siffra.',
  },
  TENANT_NAME_RESERVED: {
    en: 'This name is reserved by the platform. Choose another name.',
    sv: 'Namnet är reserverat av plattformen. Välj ett annat namn.',
  },
  TENANT_NAME_TAKEN: {
    en: 'This name is already in use. Choose another name.',
    sv: 'Namnet används redan. Välj ett annat namn.',
  },
  CONTACT_EMAIL_INVALID: {
    en: 'Enter a valid e-mail address, such as name@example.com.',
    sv: 'Ange en giltig e-postadress, till exempel namn@exempel.se.',
  },
  CONTACT_MOBILE_INVALID: {
    en: 'Enter a valid mobile number with country code, such as +46 70 123 45 67.',
    sv: 'Ange ett giltigt mobilnummer med landsnummer, till exempel +46 70 123 45 67.',
  },
});
