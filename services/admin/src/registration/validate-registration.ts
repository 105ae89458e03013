import { DEFAULT_LOCALE, isLocale, isTenantNameWellFormed, RESERVED_TENANT_NAMES, type FieldProblem } from '@esm/common';
import type { NewTenant } from '../registry/tenant-store.js';

/** The field problem codes of a registration, as listed in the admin API documentation. */
export const REGISTRATION_FIELD_CODES = {
  organisationRequired: 'ORGANISATION_REQUIRED',
  tenantNameInvalid: 'TENANT_NAME_INVALID',
  tenantNameReserved: 'TENANT_NAME_RESERVED',
  tenantNameTaken: 'TENANT_NAME_TAKEN',
  contactEmailInvalid: 'CONTACT_EMAIL_INVALID',
  contactMobileInvalid: 'CONTACT_MOBILE_INVALID',
} as const;

const MAX_ORGANISATION_LENGTH = 200;
// RFC 5321 limits a forward path to 256 octets including the angle brackets.
const MAX_EMAIL_LENGTH = 254;
// A syntax check only: one @, no spaces, a dotted domain. Whether the address
// exists shows when the deployment e-mail arrives.
const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
// International (+46 70 123 45 67) or Swedish national (070-123 45 67) form.
const MOBILE_PATTERN = /^\+?[0-9][0-9 -]*[0-9]$/;
const MOBILE_DIGITS = { min: 7, max: 20 };

/** The result of validating a registration body: the tenant to insert, or every field problem found. */
export type RegistrationCheck = { ok: true; tenant: NewTenant } | { ok: false; problems: FieldProblem[] };

/**
 * Checks every field of a registration body and reports all problems at
 * once. Whether the name is taken is checked later, against the registry.
 * A missing `locale` means English; an unsupported one is a malformed
 * request rather than a field problem, because no user types it.
 */
export function validateRegistration(body: unknown): RegistrationCheck {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const problems: FieldProblem[] = [];

  const organisation = typeof input.organisation === 'string' ? input.organisation.trim() : '';
  if (organisation.length === 0 || organisation.length > MAX_ORGANISATION_LENGTH) {
    problems.push({ field: 'organisation', code: REGISTRATION_FIELD_CODES.organisationRequired });
  }

  const name = typeof input.tenantName === 'string' ? input.tenantName : '';
  if (!isTenantNameWellFormed(name)) {
    problems.push({ field: 'tenantName', code: REGISTRATION_FIELD_CODES.tenantNameInvalid });
  } else if (RESERVED_TENANT_NAMES.has(name)) {
    problems.push({ field: 'tenantName', code: REGISTRATION_FIELD_CODES.tenantNameReserved });
  }

  const contactEmail = typeof input.contactEmail === 'string' ? input.contactEmail.trim() : '';
  if (contactEmail.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(contactEmail)) {
    problems.push({ field: 'contactEmail', code: REGISTRATION_FIELD_CODES.contactEmailInvalid });
  }

  const contactMobile = typeof input.contactMobile === 'string' ? input.contactMobile.trim() : '';
  if (!isMobileNumber(contactMobile)) {
    problems.push({ field: 'contactMobile', code: REGISTRATION_FIELD_CODES.contactMobileInvalid });
  }

  if (problems.length > 0) return { ok: false, problems };
  const locale = isLocale(input.locale) ? input.locale : DEFAULT_LOCALE;
  return { ok: true, tenant: { name, organisation, contactEmail, contactMobile, locale } };
}

/** Tells whether the body names a locale that admin does not support. */
export function hasUnsupportedLocale(body: unknown): boolean {
  const locale = (body as { locale?: unknown } | null)?.locale;
  return locale !== undefined && !isLocale(locale);
}

function isMobileNumber(value: string): boolean {
  if (!MOBILE_PATTERN.test(value)) return false;
  const digits = value.replace(/[^0-9]/g, '').length;
  return digits >= MOBILE_DIGITS.min && digits <= MOBILE_DIGITS.max;
}
