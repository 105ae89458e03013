import http from 'node:http';
import { fieldMessage } from '@esm/common';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRATION_ERRORS, REGISTRATION_FIELD_CODES } from '../errors.js';
import type { PageContext } from '../pages/layout.js';
import { textsFor } from '../pages/texts.js';
import { elementText, formToken, startHarness, TestBrowser, type Harness } from '../test-support/harness.js';
import { decodeRegistrationDetails, encodeRegistrationDetails } from './registration-details-cookie.js';
import { EMPTY_REGISTRATION_INPUT, renderSignUpPage } from './sign-up-page.js';

const VALID_FORM = {
  organisation: 'Acme AB',
  tenantName: 'acme',
  contactEmail: 'anna@acme.example',
  contactMobile: '+46 70 123 45 67',
};

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

/** Opens the form in a new browser and sends it with the given fields. */
async function submitForm(fields: Record<string, string>, lang: 'sv' | 'en', browser = new TestBrowser(harness.baseUrl)) {
  const form = await browser.get(`/?lang=${lang}`);
  return browser.post(`/?lang=${lang}`, { _csrf: formToken(form.body), ...fields });
}

/** Sends the form, expects the redirect after a registration and opens the page it points to. */
async function submitAndFollow(fields: Record<string, string>, lang: 'sv' | 'en') {
  const browser = new TestBrowser(harness.baseUrl);
  const posted = await submitForm(fields, lang, browser);
  expect(posted.status).toBe(303);
  const location = posted.response.headers.get('location') ?? '';
  expect(location).toBe(`/check-email?lang=${lang}`);
  return { browser, posted, page: await browser.get(location) };
}

describe('GET /', () => {
  it('shows the form in Swedish', async () => {
    const page = await new TestBrowser(harness.baseUrl).get('/?lang=sv');

    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="sv">');
    expect(page.body).toContain('Registrera din organisation');
    expect(page.body).toContain('<label for="tenantName">Arbetsytans namn</label>');
    expect(elementText(page.body, 'tenantName-hint')).toBe('Använd 3–40 gemener (a–z), siffror och bindestreck. Adressen blir https://namn.esm.test:8443');
    expect(page.body).toContain('href="/?lang=en"');
  });

  it('shows the form in English from Accept-Language', async () => {
    const page = await new TestBrowser(harness.baseUrl).get('/', { 'accept-language': 'en-GB,en;q=0.8' });

    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('Register your organisation');
    expect(page.body).toContain('<label for="contactEmail">Contact e-mail address</label>');
    expect(elementText(page.body, 'tenantName-hint')).toContain('The address will be https://name.esm.test:8443');
    expect(page.body).toContain('href="/?lang=sv"');
  });

  it('prefers ?lang over Accept-Language', async () => {
    const page = await new TestBrowser(harness.baseUrl).get('/?lang=en', { 'accept-language': 'sv' });

    expect(page.body).toContain('<html lang="en">');
  });

  it('sends a strict Content-Security-Policy with the style nonce', async () => {
    const page = await new TestBrowser(harness.baseUrl).get('/');
    const policy = page.response.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];

    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("form-action 'self'");
    expect(nonce).toBeDefined();
    expect(page.body).toContain(`<style nonce="${nonce}">`);
    expect(page.response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('field messages', () => {
  for (const code of REGISTRATION_FIELD_CODES) {
    it(`${code} has Swedish and English text`, () => {
      expect(fieldMessage(code, 'sv')).not.toBe(code);
      expect(fieldMessage(code, 'en')).not.toBe(code);
      expect(fieldMessage(code, 'sv')).not.toBe(fieldMessage(code, 'en'));
    });
  }
});

describe('POST / with invalid input', () => {
  const cases = [
    { tenantName: 'Not_Valid', lang: 'sv', message: 'Använd 3–40 gemener (a–z), siffror och bindestreck' },
    { tenantName: 'Not_Valid', lang: 'en', message: 'Use 3–40 lowercase letters (a–z), digits and hyphens' },
    { tenantName: 'admin', lang: 'sv', message: 'Namnet är reserverat av plattformen. Välj ett annat namn.' },
    { tenantName: 'admin', lang: 'en', message: 'This name is reserved by the platform. Choose another name.' },
    { tenantName: 'taken-name', lang: 'sv', message: 'Namnet används redan. Välj ett annat namn.' },
    { tenantName: 'taken-name', lang: 'en', message: 'This name is already in use. Choose another name.' },
  ] as const;

  for (const { tenantName, lang, message } of cases) {
    it(`shows the message for ${tenantName} in ${lang}`, async () => {
      const before = await harness.outboxFiles();
      const page = await submitForm({ ...VALID_FORM, tenantName }, lang);

      expect(page.status).toBe(422);
      expect(page.body).toContain(`<html lang="${lang}">`);
      expect(elementText(page.body, 'tenantName-error')).toContain(message);
      expect(page.body).toMatch(/<input id="tenantName"[^>]*aria-describedby="tenantName-hint tenantName-error"[^>]*aria-invalid="true"/);
      expect(page.body).toContain(`value="${tenantName}"`);
      expect(page.body).toContain('value="anna@acme.example"');
      expect(elementText(page.body, 'contactEmail-error')).toBeUndefined();
      expect(await harness.outboxFiles()).toEqual(before);
    });
  }

  it('shows a message next to every rejected field', async () => {
    const page = await submitForm({ organisation: '', tenantName: 'ok-name', contactEmail: 'no-at-sign', contactMobile: '12' }, 'en');

    expect(page.status).toBe(422);
    expect(elementText(page.body, 'organisation-error')).toBe('Enter the name of your organisation.');
    expect(elementText(page.body, 'contactEmail-error')).toContain('Enter a valid e-mail address');
    expect(elementText(page.body, 'contactMobile-error')).toContain('Enter a valid mobile number');
    expect(elementText(page.body, 'tenantName-error')).toBeUndefined();
  });
});

describe('POST / with valid input', () => {
  it('mails the deployment link in Swedish', async () => {
    const before = await harness.outboxFiles();
    const { page } = await submitAndFollow({ ...VALID_FORM, tenantName: 'acme-sv', contactEmail: 'anna@acme.example' }, 'sv');

    expect(page.status).toBe(200);
    expect(page.body).toContain('Kontrollera din e-post');
    expect(page.body).toContain('Vi har skickat en länk för att driftsätta arbetsytan acme-sv till anna@acme.example.');
    const sent = await harness.admin.registrations.at(-1);
    expect(sent).toMatchObject({ tenantName: 'acme-sv', locale: 'sv', organisation: 'Acme AB' });

    const files = (await harness.outboxFiles()).filter((name) => !before.includes(name));
    expect(files).toHaveLength(1);
    const mail = await simpleParser(await harness.readOutboxFile(files[0] as string));
    const token = [...harness.admin.tokens.keys()].at(-1) as string;
    const link = `https://register.esm.test:8443/deploy?token=${token}&name=acme-sv&lang=sv`;

    const recipients = Array.isArray(mail.to) ? mail.to : [mail.to];
    expect(recipients.map((address) => address?.text)).toEqual(['anna@acme.example']);
    expect(mail.subject).toBe('Driftsätt din ESM-arbetsyta acme-sv');
    expect(mail.text).toContain(link);
    expect(mail.text).toContain('Länken gäller till');
    expect(mail.text).toContain('https://acme-sv.esm.test:8443');
    expect(page.body).not.toContain(token);
  });

  it('mails the deployment link in English', async () => {
    const before = await harness.outboxFiles();
    const { page } = await submitAndFollow({ ...VALID_FORM, tenantName: 'acme-en' }, 'en');

    expect(page.status).toBe(200);
    expect(page.body).toContain('Check your e-mail');
    expect(page.body).toContain('We have sent a link for deploying the workspace acme-en to anna@acme.example.');
    const files = (await harness.outboxFiles()).filter((name) => !before.includes(name));
    expect(files).toHaveLength(1);
    const mail = await simpleParser(await harness.readOutboxFile(files[0] as string));
    const token = [...harness.admin.tokens.keys()].at(-1) as string;

    expect(mail.subject).toBe('Deploy your ESM workspace acme-en');
    expect(mail.text).toContain(`https://register.esm.test:8443/deploy?token=${token}&name=acme-en&lang=en`);
    expect(mail.text).toContain('The link is valid until');
    expect(page.body).not.toContain(token);
  });
});

describe('POST / then GET /check-email', () => {
  it('keeps the token out of the redirect and cookie', async () => {
    const { posted } = await submitAndFollow({ ...VALID_FORM, tenantName: 'prg-token' }, 'en');
    const token = [...harness.admin.tokens.keys()].at(-1) as string;

    expect(posted.response.headers.get('location')).not.toContain(token);
    expect(posted.response.headers.getSetCookie().join('\n')).not.toContain(token);
    expect(posted.response.headers.getSetCookie().join('\n')).toMatch(
      /__Host-esm-registration-details=[^;]+; Max-Age=900; Path=\/; HttpOnly; Secure; SameSite=Strict/,
    );
  });

  it('reload does not register again', async () => {
    const { browser, page } = await submitAndFollow({ ...VALID_FORM, tenantName: 'prg-reload' }, 'en');
    const registrations = harness.admin.registrations.length;
    const reloaded = await browser.get('/check-email?lang=en');

    expect(reloaded.status).toBe(200);
    expect(elementText(reloaded.body, 'main')).toBe(elementText(page.body, 'main'));
    expect(reloaded.body).toContain('prg-reload');
    expect(reloaded.body).not.toContain('already in use');
    expect(harness.admin.registrations.length).toBe(registrations);
  });

  it('switches language with the details kept', async () => {
    const { browser, page } = await submitAndFollow({ ...VALID_FORM, tenantName: 'prg-language' }, 'en');
    expect(page.body).toContain('href="/check-email?lang=sv"');
    const swedish = await browser.get('/check-email?lang=sv');

    expect(swedish.body).toContain('Vi har skickat en länk för att driftsätta arbetsytan prg-language till anna@acme.example.');
  });

  it('shows no details without the cookie', async () => {
    const page = await new TestBrowser(harness.baseUrl).get('/check-email?lang=en');

    expect(page.status).toBe(200);
    expect(page.body).toContain('Check your e-mail');
    expect(page.body).toContain('The details of a registration are shown here only for 15 minutes.');
    expect(page.body).not.toContain('role="status"');
  });

  it('shows no details from a tampered cookie', async () => {
    const forged = encodeRegistrationDetails(
      { tenantName: 'forged-name', contactEmail: 'eve@evil.example', expiresAt: new Date() },
      Date.now() + 60_000,
    );
    const page = await new TestBrowser(harness.baseUrl).get('/check-email?lang=en', {
      cookie: `__Host-esm-registration-details=${forged}.c2lnbmF0dXJl`,
    });

    expect(page.status).toBe(200);
    expect(page.body).not.toContain('forged-name');
    expect(page.body).not.toContain('eve@evil.example');
  });
});

describe('registration details cookie value', () => {
  const details = { tenantName: 'acme', contactEmail: 'anna@acme.example', expiresAt: new Date('2030-01-02T03:04:05Z') };

  it('decodes what it encoded', () => {
    const now = Date.now();
    expect(decodeRegistrationDetails(encodeRegistrationDetails(details, now + 1000), now)).toEqual(details);
  });

  it('is ignored after its shown-until time', () => {
    const now = Date.now();
    expect(decodeRegistrationDetails(encodeRegistrationDetails(details, now), now)).toBeUndefined();
  });

  it('is ignored when malformed', () => {
    expect(decodeRegistrationDetails('not base64 json', Date.now())).toBeUndefined();
    expect(decodeRegistrationDetails(Buffer.from('null').toString('base64url'), Date.now())).toBeUndefined();
    expect(decodeRegistrationDetails(Buffer.from('{"tenantName":1}').toString('base64url'), Date.now())).toBeUndefined();
  });
});

describe('address hint', () => {
  it('keeps the address of a valid name', async () => {
    const page = await submitForm({ ...VALID_FORM, tenantName: 'ok-name', contactEmail: 'no-at-sign' }, 'en');

    expect(page.status).toBe(422);
    expect(elementText(page.body, 'tenantName-hint')).toContain('The address will be https://ok-name.esm.test:8443');
  });

  for (const tenantName of ['Demo_1', 'taken-name', 'admin']) {
    it(`shows the placeholder address after ${tenantName} is rejected`, async () => {
      const page = await submitForm({ ...VALID_FORM, tenantName }, 'sv');

      expect(page.status).toBe(422);
      expect(elementText(page.body, 'tenantName-hint')).toContain('Adressen blir https://namn.esm.test:8443');
      expect(elementText(page.body, 'tenantName-hint')).not.toContain(tenantName);
    });
  }

  it('leaves out port 443', () => {
    const context: PageContext = { locale: 'en', texts: textsFor('en'), nonce: 'n', requestId: 'r', switchHref: '/?lang=sv' };
    const page = renderSignUpPage(context, {
      values: { ...EMPTY_REGISTRATION_INPUT, tenantName: 'demo' },
      problems: [],
      csrfToken: 'c',
      addressConfig: { baseDomain: 'esm.example', publicHttpsPort: 443 },
    });

    expect(elementText(page, 'tenantName-hint')).toContain('The address will be https://demo.esm.example');
    expect(elementText(page, 'tenantName-hint')).not.toContain(':443');
  });
});

describe('texts', () => {
  const allTexts = (locale: 'en' | 'sv') => {
    const texts = textsFor(locale);
    const pageTexts = [...Object.values(texts), ...Object.values(texts.steps), ...Object.values(texts.statuses)].filter(
      (value): value is string => typeof value === 'string',
    );
    const errorTexts = Object.values(REGISTRATION_ERRORS).map((error) => error.message[locale]);
    const fieldTexts = REGISTRATION_FIELD_CODES.map((code) => fieldMessage(code, locale));
    return [...pageTexts, ...errorTexts, ...fieldTexts];
  };

  it('say workspace in English', () => {
    const texts = allTexts('en');
    expect(texts.filter((text) => /environment/i.test(text))).toEqual([]);
    expect(texts.filter((text) => /request id/i.test(text))).toEqual([]);
  });

  it('say arbetsyta in Swedish', () => {
    const texts = allTexts('sv');
    expect(texts.filter((text) => /milj[öo]/i.test(text))).toEqual([]);
    expect(texts.filter((text) => /förfrågans id/i.test(text))).toEqual([]);
  });
});

describe('POST / protection', () => {
  it('rejects a foreign Origin', async () => {
    const browser = new TestBrowser(harness.baseUrl);
    const form = await browser.get('/?lang=en');
    const calls = harness.admin.paths.length;
    const page = await browser.post('/?lang=en', { _csrf: formToken(form.body), ...VALID_FORM, tenantName: 'foreign' }, {
      origin: 'https://attacker.example',
    });

    expect(page.status).toBe(403);
    expect(page.body).toContain('REGISTRATION_ORIGIN_REJECTED');
    expect(page.body).toContain('The form was sent from another site');
    expect(harness.admin.paths.length).toBe(calls);
  });

  it('rejects a form without the CSRF token', async () => {
    const browser = new TestBrowser(harness.baseUrl);
    await browser.get('/?lang=sv');
    const page = await browser.post('/?lang=sv', { ...VALID_FORM, tenantName: 'no-token' });

    expect(page.status).toBe(403);
    expect(page.body).toContain('REGISTRATION_FORM_TOKEN_INVALID');
    expect(page.body).toContain('Formuläret har gått ut');
  });

  it('shows a generic page when admin fails', async () => {
    harness.admin.override = { status: 500, body: { error: { code: 'DATABASE_DOWN', message: 'connection to 10.0.0.1 refused' } } };
    try {
      const page = await submitForm({ ...VALID_FORM, tenantName: 'admin-fails' }, 'en');

      expect(page.status).toBe(500);
      expect(page.body).toContain('INTERNAL_ERROR');
      expect(page.body).toContain('<dt>Reference id</dt>');
      expect(page.body).toContain('contact support and quote the reference id.');
      expect(page.body).not.toContain('request id');
      expect(page.body).not.toContain('DATABASE_DOWN');
      expect(page.body).not.toContain('10.0.0.1');
    } finally {
      harness.admin.override = undefined;
    }
  });
});

describe('unknown paths', () => {
  it('show a translated 404 page', async () => {
    const page = await new TestBrowser(harness.baseUrl).get('/no-such-page?lang=sv');

    expect(page.status).toBe(404);
    expect(page.body).toContain('<html lang="sv">');
    expect(page.body).toContain('ROUTE_NOT_FOUND');
    expect(page.body).toContain('Sidan hittades inte');
  });

  it('keep the language link on this site', async () => {
    // fetch would normalise the path, so the raw path goes out through node:http.
    const page = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const port = new URL(harness.baseUrl).port;
      http
        .get({ host: '127.0.0.1', port, path: '/.//evil.example?lang=en', headers: { 'x-forwarded-for': '198.51.100.251' } }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });

    expect(page.status).toBe(404);
    expect(page.body).not.toContain('href="//evil.example');
    expect(page.body).toContain('href="/evil.example?lang=sv"');
  });
});

describe('POST / escaping', () => {
  it('shows entered markup as text', async () => {
    const page = await submitForm({ ...VALID_FORM, organisation: '<b>"Acme"</b>', tenantName: '<script>x</script>' }, 'en');

    expect(page.status).toBe(422);
    expect(page.body).not.toContain('<script>x</script>');
    expect(page.body).toContain('value="&lt;script&gt;x&lt;/script&gt;"');
    expect(page.body).toContain('value="&lt;b&gt;&quot;Acme&quot;&lt;/b&gt;"');
  });
});

describe('POST / rate limit', () => {
  it('answers 429 with a code after ten posts', async () => {
    const browser = new TestBrowser(harness.baseUrl, { 'x-forwarded-for': '203.0.113.7' });
    const form = await browser.get('/?lang=en');
    const fields = { _csrf: formToken(form.body), ...VALID_FORM, tenantName: 'taken-name' };
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await browser.post('/?lang=en', fields)).status).toBe(422);
    }
    const limited = await browser.post('/?lang=sv', fields);

    expect(limited.status).toBe(429);
    expect(limited.body).toContain('REGISTRATION_RATE_LIMITED');
    expect(limited.body).toContain('För många försök från din adress');
    const other = await new TestBrowser(harness.baseUrl, { 'x-forwarded-for': '203.0.113.8' }).get('/');
    expect(other.status).toBe(200);
  });
});
