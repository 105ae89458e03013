// The same rule as the registration form's contact mobile, so that a number
// accepted there is accepted here: international (+46 70 123 45 67) or
// national (070-123 45 67) form, 7 to 20 digits. It is a syntax check only;
// whether SMS reaches the number shows when a code is sent.
const MOBILE_PATTERN = /^\+?[0-9][0-9 -]*[0-9]$/;
const MOBILE_DIGITS = { min: 7, max: 20 };

/** Maximum length of a stored mobile number, including spaces and hyphens. */
export const MOBILE_MAX_LENGTH = 40;

/** Tells whether `value` (already trimmed) is a mobile number the tenant can store. */
export function isMobileNumber(value: string): boolean {
  if (value.length > MOBILE_MAX_LENGTH || !MOBILE_PATTERN.test(value)) return false;
  const digits = value.replace(/[^0-9]/g, '').length;
  return digits >= MOBILE_DIGITS.min && digits <= MOBILE_DIGITS.max;
}
