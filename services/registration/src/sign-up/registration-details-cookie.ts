import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Details of a registration for the "Check your e-mail" page. They never
 * include the deployment token, which only the e-mail carries.
 */
export interface RegistrationDetails {
  tenantName: string;
  contactEmail: string;
  expiresAt: Date;
}

/**
 * The cookie that carries the details from the form POST to the page it
 * redirects to, so that reloading that page does not send the form again.
 * The `__Host-` prefix makes browsers accept it only with Secure, Path=/ and
 * no Domain, so a workspace under the same base domain cannot set it.
 */
const DETAILS_COOKIE = '__Host-esm-registration-details';

/** How long the "Check your e-mail" page shows the details after the form was sent. */
export const DETAILS_LIFETIME_MINUTES = 15;

interface DetailsPayload {
  tenantName: string;
  contactEmail: string;
  expiresAt: string;
  /** Milliseconds since the epoch after which the server ignores the cookie, whatever the browser keeps. */
  shownUntil: number;
}

/** Encodes the details as base64url JSON, to be shown until `shownUntil` (milliseconds since the epoch). */
export function encodeRegistrationDetails(details: RegistrationDetails, shownUntil: number): string {
  const payload: DetailsPayload = {
    tenantName: details.tenantName,
    contactEmail: details.contactEmail,
    expiresAt: details.expiresAt.toISOString(),
    shownUntil,
  };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** Decodes the details, or returns undefined when the value is malformed or past its `shownUntil` at `now`. */
export function decodeRegistrationDetails(value: string, now: number): RegistrationDetails | undefined {
  let payload: Partial<DetailsPayload>;
  try {
    payload = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<DetailsPayload>;
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { tenantName, contactEmail, expiresAt, shownUntil } = payload;
  if (typeof tenantName !== 'string' || typeof contactEmail !== 'string' || typeof expiresAt !== 'string') return undefined;
  if (typeof shownUntil !== 'number' || shownUntil <= now) return undefined;
  const expiry = new Date(expiresAt);
  if (Number.isNaN(expiry.getTime())) return undefined;
  return { tenantName, contactEmail, expiresAt: expiry };
}

/**
 * Stores the details in a signed cookie for DETAILS_LIFETIME_MINUTES. The
 * signature (the cookie plugin's HMAC with the process's key) stops a client
 * from making the page show a name or address that was never registered.
 * The value is signed, not encrypted, so the browser that sent the form can
 * read the name and e-mail address it entered.
 */
export function setRegistrationDetailsCookie(reply: FastifyReply, details: RegistrationDetails): void {
  const lifetimeMs = DETAILS_LIFETIME_MINUTES * 60_000;
  reply.setCookie(DETAILS_COOKIE, encodeRegistrationDetails(details, Date.now() + lifetimeMs), {
    signed: true,
    path: '/',
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    maxAge: lifetimeMs / 1000,
  });
}

/** Reads the details cookie, or returns undefined when it is missing, tampered with or expired. */
export function readRegistrationDetailsCookie(request: FastifyRequest): RegistrationDetails | undefined {
  const raw = request.cookies[DETAILS_COOKIE];
  if (raw === undefined) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  return decodeRegistrationDetails(unsigned.value, Date.now());
}
