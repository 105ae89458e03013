import { defineError } from '@esm/common';

/** The errors admin's internal API returns, each with its own code. */
export const ADMIN_ERRORS = {
  /** The request has no bearer credential, or one that matches no caller's credential file. */
  credentialInvalid: defineError('ADMIN_CREDENTIAL_INVALID', 401, {
    en: 'The service credential is missing or invalid.',
    sv: 'Tjänstens inloggningsuppgift saknas eller är ogiltig.',
  }),
  /** A known caller used a route that the route table does not allow for it. */
  callerForbidden: defineError('ADMIN_CALLER_FORBIDDEN', 403, {
    en: 'This service may not use this admin route.',
    sv: 'Den här tjänsten får inte använda den här vägen i admin.',
  }),
  /** No tenant with this name exists in the registry (or the name is malformed). */
  tenantNotFound: defineError('TENANT_NOT_FOUND', 404, {
    en: 'There is no tenant named {tenant}.',
    sv: 'Det finns ingen kund med namnet {tenant}.',
  }),
  /** A transition was requested that the tenant's current state does not allow. */
  stateConflict: defineError('TENANT_STATE_CONFLICT', 409, {
    en: 'The tenant {tenant} is {state}, so this change is not possible.',
    sv: 'Kunden {tenant} har tillståndet {state}, så den här ändringen går inte att göra.',
  }),
  /** Only inactive (or already active) tenants can be woken by the default backend. */
  notWakeable: defineError('TENANT_NOT_WAKEABLE', 409, {
    en: 'The tenant {tenant} is {state} and cannot be started on request.',
    sv: 'Kunden {tenant} har tillståndet {state} och kan inte startas på begäran.',
  }),
  /** The tenant process did not start or did not pass its health check in time. */
  startFailed: defineError('TENANT_START_FAILED', 503, {
    en: 'The tenant {tenant} could not be started. Try again in a minute.',
    sv: 'Kunden {tenant} kunde inte startas. Försök igen om en minut.',
  }),
  /** One or more registration fields are invalid; `fields` lists each problem. */
  registrationInvalid: defineError('REGISTRATION_INVALID', 422, {
    en: 'Some registration fields are invalid.',
    sv: 'Några av registreringens fält är ogiltiga.',
  }),
  /** The deployment token is missing, malformed or unknown. */
  tokenInvalid: defineError('DEPLOYMENT_TOKEN_INVALID', 400, {
    en: 'The deployment link is invalid. Check that you copied the whole link.',
    sv: 'Länken för driftsättning är ogiltig. Kontrollera att du kopierade hela länken.',
  }),
  /** The deployment token was already used; each token starts one deployment only. */
  tokenUsed: defineError('DEPLOYMENT_TOKEN_USED', 410, {
    en: 'The deployment link has already been used.',
    sv: 'Länken för driftsättning har redan använts.',
  }),
  /** The deployment token is older than its validity period. */
  tokenExpired: defineError('DEPLOYMENT_TOKEN_EXPIRED', 410, {
    en: 'The deployment link has expired. Register again to get a new link.',
    sv: 'Länken för driftsättning har gått ut. Registrera dig igen för att få en ny länk.',
  }),
  /** No deployment with this id exists. */
  deploymentNotFound: defineError('DEPLOYMENT_NOT_FOUND', 404, {
    en: 'The deployment was not found.',
    sv: 'Driftsättningen hittades inte.',
  }),
  /** A deployment started by the operator failed at one of its steps; the tenant stays deploying. */
  deploymentFailed: defineError('DEPLOYMENT_FAILED', 500, {
    en: 'The deployment of {tenant} failed at the step {step}. Run the deployment again to resume it.',
    sv: 'Driftsättningen av {tenant} misslyckades i steget {step}. Kör driftsättningen igen för att återuppta den.',
  }),
  /**
   * admin was configured to listen on an address that is neither loopback
   * nor private; every interface is allowed only with the kubernetes orchestrator.
   */
  bindHostRejected: defineError('ADMIN_BIND_HOST_REJECTED', 500, {
    en: 'admin does not start on {host}, which is not a loopback or private address. Set bindHost to {allowed}.',
    sv: 'admin startar inte på {host}, som inte är en loopback- eller privat adress. Sätt bindHost till {allowed}.',
  }),
};
