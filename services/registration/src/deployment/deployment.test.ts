import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elementText, formToken, startHarness, TestBrowser, type Harness } from '../test-support/harness.js';

const FRESH_TOKEN = 'fresh-token-000000000001';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
  harness.admin.tokens.set('used-token-0000000000001', 'used');
  harness.admin.tokens.set('expired-token-00000000001', 'expired');
});

afterAll(async () => {
  await harness?.close();
});

/** Opens the deployment link for a token (with the workspace name when given) and presses Deploy. */
async function deploy(token: string, lang: 'sv' | 'en', name?: string) {
  const browser = new TestBrowser(harness.baseUrl);
  const nameParam = name === undefined ? '' : `&name=${encodeURIComponent(name)}`;
  const page = await browser.get(`/deploy?token=${token}${nameParam}&lang=${lang}`);
  const nameField = /name="name" value="([^"]*)"/.exec(page.body)?.[1];
  const result = await browser.post(`/deploy?lang=${lang}`, { _csrf: formToken(page.body), token, ...(nameField ? { name: nameField } : {}) });
  return { browser, page, result };
}

describe('GET /deploy', () => {
  it('shows the Deploy button with the token hidden', async () => {
    const page = await new TestBrowser(harness.baseUrl).get(`/deploy?token=${FRESH_TOKEN}&lang=sv`);

    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="sv">');
    expect(page.body).toContain(`<input type="hidden" name="token" value="${FRESH_TOKEN}">`);
    expect(page.body).toContain('<button type="submit">Driftsätt</button>');
    expect(page.body).toContain(`href="/deploy?token=${FRESH_TOKEN}&amp;lang=en"`);
  });

  it('promises a few seconds', async () => {
    const english = await new TestBrowser(harness.baseUrl).get(`/deploy?token=${FRESH_TOKEN}&lang=en`);
    const swedish = await new TestBrowser(harness.baseUrl).get(`/deploy?token=${FRESH_TOKEN}&lang=sv`);

    expect(english.body).toContain('It usually takes a few seconds.');
    expect(english.body).not.toContain('minute');
    expect(swedish.body).toContain('Det brukar ta några sekunder.');
    expect(swedish.body).not.toContain('minut');
  });

  it('carries a well-formed name into the form', async () => {
    const page = await new TestBrowser(harness.baseUrl).get(`/deploy?token=${FRESH_TOKEN}&name=acme&lang=en`);

    expect(page.body).toContain('<input type="hidden" name="name" value="acme">');
  });

  it('drops a malformed name', async () => {
    const page = await new TestBrowser(harness.baseUrl).get(`/deploy?token=${FRESH_TOKEN}&name=${encodeURIComponent('evil.example/x')}&lang=en`);

    expect(page.status).toBe(200);
    expect(page.body).not.toContain('name="name"');
  });

  it('rejects a link without a token', async () => {
    const page = await new TestBrowser(harness.baseUrl).get('/deploy?lang=en');

    expect(page.status).toBe(400);
    expect(page.body).toContain('DEPLOYMENT_PAGE_TOKEN_INVALID');
    expect(page.body).toContain('<h1>This link is not valid</h1>');
    expect(page.body).toContain('The deployment link is invalid.');
  });
});

describe('POST /deploy', () => {
  it('links a used token to the workspace', async () => {
    const { result } = await deploy('used-token-0000000000001', 'en', 'acme');

    expect(result.status).toBe(410);
    expect(result.body).toContain('DEPLOYMENT_PAGE_TOKEN_USED');
    expect(result.body).toContain('<h1>This link has already been used</h1>');
    expect(result.body).not.toContain('Something went wrong');
    expect(result.body).toContain('the workspace has been deployed or is being deployed now');
    expect(result.body).toContain('<a href="https://acme.esm.test:8443">https://acme.esm.test:8443</a>');
    expect(result.body).toContain('an invitation to become its first administrator is sent to the contact e-mail address');
    expect(result.body).toContain('href="/deploy?lang=sv&amp;token=used-token-0000000000001&amp;name=acme"');
  });

  it('explains a used token in Swedish', async () => {
    const { result } = await deploy('used-token-0000000000001', 'sv', 'acme');

    expect(result.status).toBe(410);
    expect(result.body).toContain('<h1>Länken har redan använts</h1>');
    expect(result.body).toContain('arbetsytan är redan driftsatt eller håller på att driftsättas');
    expect(result.body).toContain('<a href="https://acme.esm.test:8443">');
    expect(result.body).toContain('<dt>Referens-id</dt>');
  });

  it('points to the e-mail for a used token without a name', async () => {
    const { result } = await deploy('used-token-0000000000001', 'en');

    expect(result.status).toBe(410);
    expect(elementText(result.body, 'main')).toContain("Your workspace's address is in the e-mail that contained the deployment link.");
    expect(result.body).not.toContain('href="https://');
  });

  it('ignores a malformed name in a used-token post', async () => {
    const browser = new TestBrowser(harness.baseUrl);
    const page = await browser.get('/deploy?token=used-token-0000000000001&lang=en');
    const result = await browser.post('/deploy?lang=en', {
      _csrf: formToken(page.body),
      token: 'used-token-0000000000001',
      name: 'evil.example/x',
    });

    expect(result.status).toBe(410);
    expect(result.body).not.toContain('evil.example');
  });

  it('explains the ways onward for an expired token', async () => {
    const { result } = await deploy('expired-token-00000000001', 'en', 'acme');

    expect(result.status).toBe(410);
    expect(result.body).toContain('DEPLOYMENT_PAGE_TOKEN_EXPIRED');
    expect(result.body).toContain('<h1>This link has expired</h1>');
    expect(result.body).not.toContain('Something went wrong');
    expect(result.body).toContain('to register again you need to choose another name');
    expect(result.body).toContain('<code>esmctl deploy acme</code>');
    expect(result.body).toContain('<a href="/?lang=en">Register again</a>');
  });

  it('shows the refusal for an unknown token', async () => {
    const { result } = await deploy('unknown-token-0000000001', 'en');

    expect(result.status).toBe(400);
    expect(result.body).toContain('DEPLOYMENT_PAGE_TOKEN_INVALID');
  });

  it('rejects a foreign Origin', async () => {
    const browser = new TestBrowser(harness.baseUrl);
    const page = await browser.get(`/deploy?token=${FRESH_TOKEN}&lang=en`);
    const result = await browser.post('/deploy?lang=en', { _csrf: formToken(page.body), token: FRESH_TOKEN }, { origin: 'null' });

    expect(result.status).toBe(403);
    expect(result.body).toContain('REGISTRATION_ORIGIN_REJECTED');
  });

  it('redirects a good token to the progress page', async () => {
    harness.admin.tokens.set(FRESH_TOKEN, 'fresh');
    const { browser, result } = await deploy(FRESH_TOKEN, 'en');
    const [deploymentId] = [...harness.admin.deployments.keys()];
    const deployment = harness.admin.deployments.get(deploymentId as string);

    expect(result.status).toBe(303);
    expect(result.response.headers.get('location')).toBe(`/deployments/${deploymentId}?lang=en`);

    const progress = await browser.get(`/deployments/${deploymentId}?lang=en`);
    expect(progress.status).toBe(200);
    expect(progress.body).toContain('Deploying acme');
    expect(progress.body).toContain('<noscript><meta http-equiv="refresh" content="2"></noscript>');
    const nonce = /'nonce-([^']+)'/.exec(progress.response.headers.get('content-security-policy') ?? '')?.[1];
    expect(progress.body).toContain(`<script nonce="${nonce}">`);
    expect(progress.body).toMatch(/<li data-step="database">.*Done/);
    expect(progress.body).toMatch(/<li data-step="secret">.*In progress/);

    const status = await browser.get(`/deployments/${deploymentId}/status.json`);
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body)).toEqual({ steps: deployment?.steps, finished: false, failed: false });
  });
});

describe('GET /deployments/:id', () => {
  function addDeployment(overrides: { finished: boolean; failed: boolean; status: string }) {
    const deploymentId = crypto.randomUUID();
    harness.admin.deployments.set(deploymentId, {
      deploymentId,
      tenantName: 'beta',
      state: overrides.failed ? 'registered' : 'active',
      steps: ['database', 'secret', 'process', 'health', 'invitation'].map((step) => ({ step, status: overrides.status })),
      finished: overrides.finished,
      failed: overrides.failed,
      origin: 'https://beta.esm.test:8443',
    });
    return deploymentId;
  }

  it('shows the invitation and the address when finished', async () => {
    const id = addDeployment({ finished: true, failed: false, status: 'done' });
    const page = await new TestBrowser(harness.baseUrl).get(`/deployments/${id}?lang=sv`);

    expect(page.status).toBe(200);
    expect(page.body).toContain('beta är klar');
    expect(page.body).toContain('En inbjudan att bli den första administratören har skickats till kontaktpersonens e-postadress.');
    expect(page.body).toContain('<a href="https://beta.esm.test:8443">https://beta.esm.test:8443</a>');
    expect(page.body).not.toContain('<script');
    expect(page.body).not.toContain('http-equiv="refresh"');
  });

  it('shows the failure with the reference id only', async () => {
    const id = addDeployment({ finished: true, failed: true, status: 'failed' });
    const page = await new TestBrowser(harness.baseUrl).get(`/deployments/${id}?lang=en`);

    expect(page.status).toBe(200);
    expect(page.body).toContain('DEPLOYMENT_PAGE_FAILED');
    expect(page.body).toContain('The deployment failed. Contact support and quote the reference id.');
    expect(elementText(page.body, 'main')).toMatch(/Reference id\s*[0-9a-f-]{36}/);
  });

  it('rejects a malformed id without asking admin', async () => {
    const calls = harness.admin.paths.length;
    const page = await new TestBrowser(harness.baseUrl).get('/deployments/..%2F..%2Fv1%2Ftenants/status.json');

    expect(page.status).toBe(404);
    expect(JSON.parse(page.body).error.code).toBe('DEPLOYMENT_PAGE_NOT_FOUND');
    expect(harness.admin.paths.length).toBe(calls);
  });

  it('answers 404 for a deployment admin does not know', async () => {
    const page = await new TestBrowser(harness.baseUrl).get(`/deployments/${crypto.randomUUID()}?lang=en`);

    expect(page.status).toBe(404);
    expect(page.body).toContain('DEPLOYMENT_PAGE_NOT_FOUND');
  });

  it('shows a generic page when admin is unreachable', async () => {
    harness.admin.override = { status: 503, body: { error: { code: 'ADMIN_STARTING', message: 'pool at /var/run/x' } } };
    try {
      const page = await new TestBrowser(harness.baseUrl).get(`/deployments/${crypto.randomUUID()}?lang=sv`);

      expect(page.status).toBe(503);
      expect(page.body).toContain('SERVICE_UNAVAILABLE');
      expect(page.body).toContain('Tjänsten är tillfälligt otillgänglig');
      expect(page.body).not.toContain('ADMIN_STARTING');
      expect(page.body).not.toContain('/var/run/x');
    } finally {
      harness.admin.override = undefined;
    }
  });
});

describe('POST /deploy rate limit', () => {
  it('answers 429 with a code after ten posts', async () => {
    const browser = new TestBrowser(harness.baseUrl, { 'x-forwarded-for': '203.0.113.9' });
    const page = await browser.get(`/deploy?token=${'x'.repeat(20)}&lang=en`);
    const fields = { _csrf: formToken(page.body), token: 'x'.repeat(20) };
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await browser.post('/deploy?lang=en', fields)).status).toBe(400);
    }
    const limited = await browser.post('/deploy?lang=en', fields);

    expect(limited.status).toBe(429);
    expect(limited.body).toContain('REGISTRATION_RATE_LIMITED');
    expect(limited.body).toContain('Too many attempts from your address.');
  });
});
