import { defineError } from '@esm/common';

/**
 * Errors the default backend shows for a tenant host that has no running
 * tenant behind it. Admin being unreachable uses the shared SERVICE_UNAVAILABLE.
 */
export const DEFAULT_BACKEND_ERRORS = {
  /** The tenant was inactive and admin did not report it started within the configured wake time-out. */
  wakeTimeout: defineError('TENANT_WAKE_TIMEOUT', 503, {
    en: 'The workspace is starting but did not respond in time. Please try again in a moment.',
    sv: 'Arbetsytan startar men svarade inte i tid. Försök igen om en stund.',
  }),
  /** Admin could not start the tenant (admin's TENANT_START_FAILED) or no longer considered it wakeable. */
  wakeFailed: defineError('TENANT_WAKE_FAILED', 503, {
    en: 'The workspace could not be started. Please try again later; if it keeps happening, contact support and quote the request id.',
    sv: 'Arbetsytan kunde inte startas. Försök igen senare. Om felet kvarstår, kontakta supporten och ange förfrågans id.',
  }),
  /**
   * The tenant is archived. Status 410 signals that retrying will not help.
   * The page is sent with Cache-Control: no-store because an operator can
   * restore the tenant later.
   */
  archived: defineError('TENANT_ARCHIVED', 410, {
    en: 'This workspace has been archived and is no longer available. Contact your organisation’s administrator if you need it again.',
    sv: 'Den här arbetsytan har arkiverats och är inte längre tillgänglig. Kontakta din organisations administratör om du behöver den igen.',
  }),
  /** The tenant is registered but its deployment has not been started from the link in the registration e-mail. */
  notDeployed: defineError('TENANT_NOT_DEPLOYED', 503, {
    en: 'This workspace is registered but not deployed yet. Open the link in the e-mail sent at registration to deploy it.',
    sv: 'Den här arbetsytan är registrerad men inte driftsatt än. Öppna länken i e-postmeddelandet som skickades vid registreringen för att driftsätta den.',
  }),
  /** The tenant's deployment is running. */
  deploying: defineError('TENANT_DEPLOYING', 503, {
    en: 'This workspace is being deployed. Please try again in a minute.',
    sv: 'Den här arbetsytan håller på att driftsättas. Försök igen om en minut.',
  }),
  /** Admin reported the tenant running, but its process did not accept the forwarded request. */
  upstreamUnreachable: defineError('TENANT_UPSTREAM_UNREACHABLE', 502, {
    en: 'The workspace is not responding. Please try again in a moment.',
    sv: 'Arbetsytan svarar inte. Försök igen om en stund.',
  }),
  /**
   * A browser's page load waited longer than the configured time while the
   * tenant starts. The page reloads itself every 2 seconds and the wake goes on.
   */
  starting: defineError('TENANT_STARTING', 503, {
    en: 'The workspace is starting. This page reloads itself every few seconds until the workspace is ready.',
    sv: 'Arbetsytan startar. Sidan laddas om av sig själv med några sekunders mellanrum tills arbetsytan är redo.',
  }),
  /** The tenant was started too often in the last minute (ESM_WAKE_TENANT_LIMIT_PER_MINUTE); sent with Retry-After. */
  wakeTenantRateLimited: defineError('TENANT_WAKE_RATE_LIMITED', 429, {
    en: 'The workspace has been started too many times in the last minute. Please try again in a minute.',
    sv: 'Arbetsytan har startats för många gånger den senaste minuten. Försök igen om en minut.',
  }),
  /** This client address started too many wake-ups in the last minute (ESM_WAKE_CLIENT_LIMIT_PER_MINUTE); sent with Retry-After. */
  wakeClientRateLimited: defineError('TENANT_WAKE_CLIENT_RATE_LIMITED', 429, {
    en: 'Too many workspaces were started from your address in the last minute. Please try again in a minute.',
    sv: 'För många arbetsytor har startats från din adress den senaste minuten. Försök igen om en minut.',
  }),
  /** The number of requests waiting for wake-ups reached ESM_WAKE_MAX_WAITING or ESM_WAKE_MAX_WAITING_PER_TENANT; sent with Retry-After. */
  wakeQueueFull: defineError('TENANT_WAKE_QUEUE_FULL', 503, {
    en: 'Too many requests are waiting for workspaces to start. Please try again in a moment.',
    sv: 'För många förfrågningar väntar på att arbetsytor ska starta. Försök igen om en stund.',
  }),
};
