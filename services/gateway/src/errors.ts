import { defineError } from '@esm/common';

/** Errors that the gateway itself returns. Every other error comes from the service behind it. */
export const GATEWAY_ERRORS = {
  /**
   * The tenant, registration or default backend did not accept the connection
   * or closed it before responding. For a tenant, the cached route is dropped
   * so that the next request queries admin again.
   */
  upstreamUnreachable: defineError('GATEWAY_UPSTREAM_UNREACHABLE', 502, {
    en: 'The service at this address is not responding. Please try again in a moment.',
    sv: 'Tjänsten på den här adressen svarar inte. Försök igen om en stund.',
  }),
  /** The HTTP request had no Host header, or one that is not a host name with an optional port. */
  hostInvalid: defineError('GATEWAY_HOST_INVALID', 400, {
    en: 'The request has a missing or invalid Host header.',
    sv: 'Förfrågan saknar Host-huvud eller har ett ogiltigt Host-huvud.',
  }),
  /** Node's HTTP parser rejected the request line or headers before any routing. */
  requestMalformed: defineError('GATEWAY_REQUEST_MALFORMED', 400, {
    en: 'The request could not be read. Check the request line and headers.',
    sv: 'Förfrågan kunde inte läsas. Kontrollera förfrågningsraden och huvudena.',
  }),
  /** The request headers exceed Node's limit (16 KiB by default). */
  headersTooLarge: defineError('GATEWAY_HEADERS_TOO_LARGE', 431, {
    en: 'The request headers are too large.',
    sv: 'Förfrågans huvuden är för stora.',
  }),
};
