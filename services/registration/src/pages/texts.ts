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
  requestId: 'Reference id',
  backToForm: 'Back to the registration form',
  formTitle: 'Register your organisation',
  formIntro:
    'Fill in the form to create an ESM workspace for your organisation. We will send a link for deploying it to the e-mail address you enter.',
  organisation: 'Organisation',
  tenantName: 'Workspace name',
  tenantNameHint: 'Use 3–40 lowercase letters (a–z), digits and hyphens. The address will be',
  tenantNamePlaceholder: 'name',
  contactEmail: 'Contact e-mail address',
  contactEmailHint: 'The deployment link and the invitation to the first administrator are sent to this address.',
  contactMobile: 'Mobile number',
  contactMobileHint: 'Including the country code, for example +46 70 123 45 67.',
  register: 'Register',
  formProblems: 'There is a problem with the form',
  checkEmailTitle: 'Check your e-mail',
  checkEmailText: 'We have sent a link for deploying the workspace {tenantName} to {email}.',
  checkEmailExpiry: 'The link is valid until {expiresAt}.',
  checkEmailSpam: 'If the e-mail has not arrived within a few minutes, check your spam folder.',
  checkEmailNoDetails:
    'If you have registered, we have sent a link for deploying your workspace to the contact e-mail address you entered. The details of a registration are shown here only for {minutes} minutes.',
  mailSubject: 'Deploy your ESM workspace {tenantName}',
  mailBody: [
    'Hello,',
    '',
    'The organisation {organisation} has registered the ESM workspace {tenantName} ({tenantOrigin}).',
    '',
    'Open this link to deploy the workspace:',
    '{deployLink}',
    '',
    'The link is valid until {expiresAt} and can be used only once.',
    'When the workspace is ready, this address will receive an invitation to become its first administrator.',
    '',
    'If you were not expecting this e-mail, you can ignore it.',
  ].join('\n'),
  deployTitle: 'Deploy your workspace',
  deployText: "Deploying creates your workspace's database, keys and service. It usually takes a few seconds.",
  deployButton: 'Deploy',
  progressTitle: 'Deploying {tenantName}',
  progressText: 'This page updates automatically while the steps run.',
  steps: {
    database: 'Database and roles',
    secret: 'Keys and secrets',
    process: 'Starting the service',
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
  finishedText:
    'An invitation to become the first administrator has been sent to the contact e-mail address. Follow the link in it to choose a password and sign in.',
  finishedAddress: "Your workspace's address",
  tokenInvalidTitle: 'This link is not valid',
  tokenUsedTitle: 'This link has already been used',
  tokenUsedInvitation:
    'When the workspace is ready, an invitation to become its first administrator is sent to the contact e-mail address given at registration. Follow the link in that e-mail to choose a password and sign in.',
  tokenUsedAddressUnknown: "Your workspace's address is in the e-mail that contained the deployment link.",
  tokenExpiredTitle: 'This link has expired',
  tokenExpiredOperator: 'To keep the name {tenantName}, ask the platform operator to deploy the workspace with this command:',
  registerAgain: 'Register again',
  errorTitle: 'Something went wrong',
  notFoundTitle: 'Page not found',
  internalErrorMessage: 'Something went wrong on our side. Please try again. If it keeps happening, contact support and quote the reference id.',
};

export type Texts = typeof en;

const sv: Texts = {
  siteName: 'ESM-registrering',
  switchLanguage: 'In English',
  switchLanguageTag: 'en',
  errorCode: 'Felkod',
  requestId: 'Referens-id',
  backToForm: 'Tillbaka till registreringsformuläret',
  formTitle: 'Registrera din organisation',
  formIntro:
    'Fyll i formuläret för att skapa en ESM-arbetsyta för din organisation. Vi skickar en länk för att driftsätta den till den e-postadress du anger.',
  organisation: 'Organisation',
  tenantName: 'Arbetsytans namn',
  tenantNameHint: 'Använd 3–40 gemener (a–z), siffror och bindestreck. Adressen blir',
  tenantNamePlaceholder: 'namn',
  contactEmail: 'Kontaktpersonens e-postadress',
  contactEmailHint: 'Hit skickas länken för driftsättning och inbjudan till den första administratören.',
  contactMobile: 'Mobilnummer',
  contactMobileHint: 'Med landsnummer, till exempel +46 70 123 45 67.',
  register: 'Registrera',
  formProblems: 'Formuläret innehåller fel',
  checkEmailTitle: 'Kontrollera din e-post',
  checkEmailText: 'Vi har skickat en länk för att driftsätta arbetsytan {tenantName} till {email}.',
  checkEmailExpiry: 'Länken gäller till {expiresAt}.',
  checkEmailSpam: 'Om meddelandet inte har kommit fram inom några minuter, titta i skräppostmappen.',
  checkEmailNoDetails:
    'Om du har registrerat dig har vi skickat en länk för att driftsätta arbetsytan till den e-postadress du angav. Uppgifterna om en registrering visas här bara i {minutes} minuter.',
  mailSubject: 'Driftsätt din ESM-arbetsyta {tenantName}',
  mailBody: [
    'Hej!',
    '',
    'Organisationen {organisation} har registrerat ESM-arbetsytan {tenantName} ({tenantOrigin}).',
    '',
    'Öppna den här länken för att driftsätta arbetsytan:',
    '{deployLink}',
    '',
    'Länken gäller till {expiresAt} och kan bara användas en gång.',
    'När arbetsytan är klar får den här adressen en inbjudan att bli dess första administratör.',
    '',
    'Om du inte väntade dig det här meddelandet kan du bortse från det.',
  ].join('\n'),
  deployTitle: 'Driftsätt din arbetsyta',
  deployText: 'Driftsättningen skapar arbetsytans databas, nycklar och tjänst. Det brukar ta några sekunder.',
  deployButton: 'Driftsätt',
  progressTitle: 'Driftsätter {tenantName}',
  progressText: 'Sidan uppdateras automatiskt medan stegen körs.',
  steps: {
    database: 'Databas och roller',
    secret: 'Nycklar och hemligheter',
    process: 'Tjänsten startas',
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
  finishedText:
    'En inbjudan att bli den första administratören har skickats till kontaktpersonens e-postadress. Följ länken i den för att välja lösenord och logga in.',
  finishedAddress: 'Arbetsytans adress',
  tokenInvalidTitle: 'Länken är ogiltig',
  tokenUsedTitle: 'Länken har redan använts',
  tokenUsedInvitation:
    'När arbetsytan är klar skickas en inbjudan att bli dess första administratör till den kontaktadress som angavs vid registreringen. Följ länken i det meddelandet för att välja lösenord och logga in.',
  tokenUsedAddressUnknown: 'Arbetsytans adress står i e-postmeddelandet med länken för driftsättning.',
  tokenExpiredTitle: 'Länken har gått ut',
  tokenExpiredOperator: 'Om du vill behålla namnet {tenantName} kan du be plattformens operatör att driftsätta arbetsytan med det här kommandot:',
  registerAgain: 'Registrera dig igen',
  errorTitle: 'Något gick fel',
  notFoundTitle: 'Sidan hittades inte',
  internalErrorMessage: 'Något gick fel hos oss. Försök igen. Om felet kvarstår, kontakta supporten och ange referens-id:t.',
};

const TEXTS: Record<Locale, Texts> = { en, sv };

/** Returns the page and e-mail texts in one language. */
export function textsFor(locale: Locale): Texts {
  return TEXTS[locale];
}

/** The time zone of the platform's users, Swedish organisations, whatever zone the server runs in. */
const USERS_TIME_ZONE = 'Europe/Stockholm';

/** Formats a time for people reading the given language, in Swedish time with the time zone named. */
export function formatDateTime(value: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'sv' ? 'sv-SE' : 'en-GB', {
    timeZone: USERS_TIME_ZONE,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(value);
}
