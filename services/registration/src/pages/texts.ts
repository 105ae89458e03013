import type { Locale } from '@esm/common';

/** The deployment steps in the order admin runs them. */
export const DEPLOYMENT_STEPS = ['database', 'secret', 'process', 'health', 'invitation'] as const;
export type DeploymentStep = (typeof DEPLOYMENT_STEPS)[number];

export const STEP_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

const en = {
  siteName: 'ESM registration',
  switchLanguage: 'På svenska',
  switchLanguageTag: 'sv',
  errorCode: 'Error code',
  requestId: 'Request id',
  backToForm: 'Back to the registration form',

  formTitle: 'Register your organisation',
  formIntro: 'Fill in the form to create an ESM environment for your organisation. We send a link for deploying it to the e-mail address you give.',
  organisation: 'Organisation',
  tenantName: 'Name of the environment',
  tenantNameHint: '3–40 lowercase letters, digits and hyphens. The address becomes',
  tenantNamePlaceholder: 'name',
  contactEmail: 'Contact e-mail address',
  contactEmailHint: 'The deployment link and the invitation to the first administrator are sent here.',
  contactMobile: 'Mobile number',
  contactMobileHint: 'With country code, such as +46 70 123 45 67.',
  register: 'Register',
  formProblems: 'There are problems in the form',

  checkEmailTitle: 'Check your e-mail',
  checkEmailText: 'We have sent a link for deploying {tenantName} to {email}.',
  checkEmailExpiry: 'The link is valid until {expiresAt}.',
  checkEmailSpam: 'If the e-mail has not arrived within a few minutes, look in your spam folder.',

  mailSubject: 'Deploy your ESM environment {tenantName}',
  mailBody: [
    'Hello,',
    '',
    'The organisation {organisation} has registered the ESM environment {tenantName} ({tenantOrigin}).',
    '',
    'Open this link to deploy the environment:',
    '{deployLink}',
    '',
    'The link is valid until {expiresAt} and works once.',
    'When the environment is ready, this address receives an invitation to become its first administrator.',
    '',
    'If you did not register, you can ignore this e-mail.',
  ].join('\n'),

  deployTitle: 'Deploy your environment',
  deployText: 'Deploying creates the database, keys and service of your environment. It takes about a minute.',
  deployButton: 'Deploy',

  progressTitle: 'Deploying {tenantName}',
  progressText: 'The page updates itself while the steps run.',
  steps: {
    database: 'Database and roles',
    secret: 'Keys and secrets',
    process: 'Service start',
    health: 'Health check',
    invitation: 'Invitation to the first administrator',
  } satisfies Record<DeploymentStep, string>,
  statuses: {
    pending: 'Waiting',
    running: 'In progress',
    done: 'Done',
    failed: 'Failed',
  } satisfies Record<StepStatus, string>,
  finishedTitle: '{tenantName} is ready',
  finishedText: 'An invitation to become the first administrator has been sent to the contact e-mail address. Follow it to set your password and sign in.',
  finishedAddress: 'The address of your environment',

  errorTitle: 'Something went wrong',
  notFoundTitle: 'Page not found',
};

export type Texts = typeof en;

const sv: Texts = {
  siteName: 'ESM-registrering',
  switchLanguage: 'In English',
  switchLanguageTag: 'en',
  errorCode: 'Felkod',
  requestId: 'Förfrågans id',
  backToForm: 'Tillbaka till registreringsformuläret',

  formTitle: 'Registrera din organisation',
  formIntro: 'Fyll i formuläret för att skapa en ESM-miljö för din organisation. Vi skickar en länk för att driftsätta den till den e-postadress du anger.',
  organisation: 'Organisation',
  tenantName: 'Miljöns namn',
  tenantNameHint: '3–40 gemener, siffror och bindestreck. Adressen blir',
  tenantNamePlaceholder: 'namn',
  contactEmail: 'Kontaktpersonens e-postadress',
  contactEmailHint: 'Hit skickas länken för driftsättning och inbjudan till den första administratören.',
  contactMobile: 'Mobilnummer',
  contactMobileHint: 'Med landsnummer, till exempel +46 70 123 45 67.',
  register: 'Registrera',
  formProblems: 'Formuläret innehåller fel',

  checkEmailTitle: 'Titta i din e-post',
  checkEmailText: 'Vi har skickat en länk för att driftsätta {tenantName} till {email}.',
  checkEmailExpiry: 'Länken gäller till {expiresAt}.',
  checkEmailSpam: 'Om e-postmeddelandet inte har kommit inom några minuter, titta i skräpposten.',

  mailSubject: 'Driftsätt din ESM-miljö {tenantName}',
  mailBody: [
    'Hej!',
    '',
    'Organisationen {organisation} har registrerat ESM-miljön {tenantName} ({tenantOrigin}).',
    '',
    'Öppna den här länken för att driftsätta miljön:',
    '{deployLink}',
    '',
    'Länken gäller till {expiresAt} och fungerar en gång.',
    'När miljön är klar får den här adressen en inbjudan att bli dess första administratör.',
    '',
    'Om du inte har registrerat dig kan du bortse från det här meddelandet.',
  ].join('\n'),

  deployTitle: 'Driftsätt din miljö',
  deployText: 'Driftsättningen skapar miljöns databas, nycklar och tjänst. Det tar ungefär en minut.',
  deployButton: 'Driftsätt',

  progressTitle: 'Driftsätter {tenantName}',
  progressText: 'Sidan uppdateras av sig själv medan stegen körs.',
  steps: {
    database: 'Databas och roller',
    secret: 'Nycklar och hemligheter',
    process: 'Start av tjänsten',
    health: 'Hälsokontroll',
    invitation: 'Inbjudan till den första administratören',
  },
  statuses: {
    pending: 'Väntar',
    running: 'Pågår',
    done: 'Klart',
    failed: 'Misslyckades',
  },
  finishedTitle: '{tenantName} är klar',
  finishedText: 'En inbjudan att bli den första administratören har skickats till kontaktpersonens e-postadress. Följ den för att välja lösenord och logga in.',
  finishedAddress: 'Din miljös adress',

  errorTitle: 'Något gick fel',
  notFoundTitle: 'Sidan hittades inte',
};

const TEXTS: Record<Locale, Texts> = { en, sv };

/** Returns the page and e-mail texts in one language. */
export function textsFor(locale: Locale): Texts {
  return TEXTS[locale];
}

/** Formats a time for people reading the given language, with the time zone named. */
export function formatDateTime(value: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'sv' ? 'sv-SE' : 'en-GB', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(value);
}
