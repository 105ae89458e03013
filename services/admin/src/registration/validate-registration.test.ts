import { describe, expect, it } from 'vitest';
import { validateRegistration } from './validate-registration.js';

const valid = { organisation: 'Exempel AB', tenantName: 'exempel', contactEmail: 'anna@exempel.se', contactMobile: '070-123 45 67' };

function problemCodes(overrides: Record<string, unknown>): string[] {
  const check = validateRegistration({ ...valid, ...overrides });
  return check.ok ? [] : check.problems.map((problem) => problem.code);
}

describe('validateRegistration', () => {
  it('accepts a complete registration', () => {
    const check = validateRegistration(valid);
    expect(check).toEqual({ ok: true, tenant: { name: 'exempel', organisation: 'Exempel AB', contactEmail: 'anna@exempel.se', contactMobile: '070-123 45 67', locale: 'en' } });
  });

  it('international and Swedish mobiles pass', () => {
    for (const contactMobile of ['+46 70 123 45 67', '+46701234567', '070-123 45 67', '0701234567', '+1-202-555-0143']) {
      expect(problemCodes({ contactMobile }), contactMobile).toEqual([]);
    }
  });

  it('rejects malformed mobile numbers', () => {
    for (const contactMobile of ['123456', '070 12a 45 67', '46+70123456', '+'.repeat(8), '1'.repeat(21), '', ' - ', 12345678]) {
      expect(problemCodes({ contactMobile }), String(contactMobile)).toEqual(['CONTACT_MOBILE_INVALID']);
    }
  });

  it('rejects malformed e-mail addresses', () => {
    for (const contactEmail of ['anna', 'anna@', '@exempel.se', 'anna@exempel', 'an na@exempel.se', 'anna@@exempel.se', `${'a'.repeat(250)}@x.se`]) {
      expect(problemCodes({ contactEmail }), contactEmail).toEqual(['CONTACT_EMAIL_INVALID']);
    }
  });

  it('organisation over 200 characters fails', () => {
    expect(problemCodes({ organisation: 'a'.repeat(200) })).toEqual([]);
    expect(problemCodes({ organisation: 'a'.repeat(201) })).toEqual(['ORGANISATION_REQUIRED']);
  });
});
