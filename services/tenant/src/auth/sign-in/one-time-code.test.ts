import { stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@esm/common';
import { buildTenantApp } from '../../app.js';
import { createTestTenant, readOutbox, type TestTenant } from '../../test-support/tenant-fixture.js';
import { codeFrom, createSignInUser, freshClientAddress, readSmsOutbox, startSignIn } from '../../test-support/sign-in.js';
import { startFakeSmsProvider, type FakeSmsProvider } from '../../test-support/sms-provider.js';

describe('POST /api/auth/one-time-code', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTestTenant('one-time-code');
  });

  afterAll(async () => tenant.close());

  function sendCode(challenge: string, factor: 'sms' | 'email', app: FastifyInstance = tenant.app) {
    return app.inject({ method: 'POST', url: '/api/auth/one-time-code', headers: { 'x-forwarded-for': freshClientAddress() }, payload: { challenge, factor } });
  }

  function secondFactor(challenge: string, factor: string, code: string, app: FastifyInstance = tenant.app) {
    return app.inject({
      method: 'POST',
      url: '/api/auth/second-factor',
      headers: { 'x-forwarded-for': freshClientAddress() },
      payload: { challenge, factor, code },
    });
  }

  async function smsTo(mobile: string) {
    return (await readSmsOutbox(tenant.outbox)).filter((sms) => sms.to === mobile);
  }

  async function codeRows(userId: string) {
    const result = await tenant.admin.query<{ factor: string; code_hash: Buffer; used: boolean }>(
      `SELECT factor, code_hash, sign_in_codes.used_at IS NOT NULL AS used FROM esm.sign_in_codes
       JOIN esm.sign_in_challenges ON sign_in_challenges.hash = sign_in_codes.challenge_hash WHERE user_id = $1`,
      [userId],
    );
    return result.rows;
  }

  it('sends an SMS code to the outbox and signs in with it once', async () => {
    const user = await createSignInUser(tenant, { mobile: '+46701110001', locale: 'sv' });
    const challenge = await startSignIn(tenant, user);

    const sent = await sendCode(challenge, 'sms');

    expect(sent.statusCode).toBe(202);
    const [sms] = await smsTo('+46701110001');
    expect(sms!.text).toMatch(/^Din inloggningskod till ESM \(.+\) är \d{6}\. Den gäller i 5 minuter\./);
    expect((await stat(sms!.file)).mode & 0o777).toBe(0o600);
    const code = codeFrom(sms!.text);
    const [row] = await codeRows(user.id);
    expect(row!.code_hash).toHaveLength(32);
    expect(row!.code_hash.toString('utf8')).not.toContain(code);

    const signedIn = await secondFactor(challenge, 'sms', code);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user.id).toBe(user.id);
    expect((await codeRows(user.id))[0]!.used).toBe(true);
  });

  it('sends an e-mail code in the user language', async () => {
    const user = await createSignInUser(tenant, { locale: 'en' });
    const challenge = await startSignIn(tenant, user);

    const sent = await sendCode(challenge, 'email');

    expect(sent.statusCode).toBe(202);
    const mails = (await readOutbox(tenant.outbox)).filter((mail) => mail.to === user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Your sign-in code for ESM (${tenant.name})`);
    const signedIn = await secondFactor(challenge, 'email', codeFrom(mails[0]!.text));
    expect(signedIn.statusCode).toBe(200);
  });

  it('does not accept an SMS code as an e-mail code', async () => {
    const user = await createSignInUser(tenant, { mobile: '+46701110002' });
    const challenge = await startSignIn(tenant, user);
    await sendCode(challenge, 'sms');
    const [sms] = await smsTo('+46701110002');

    const response = await secondFactor(challenge, 'email', codeFrom(sms!.text));

    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SIGN_IN_FAILED');
  });

  it('replaces the code when it is sent again', async () => {
    const user = await createSignInUser(tenant, { mobile: '+46701110003' });
    const challenge = await startSignIn(tenant, user);
    await sendCode(challenge, 'sms');
    await sendCode(challenge, 'sms');
    const [first, second] = await smsTo('+46701110003');
    expect(await codeRows(user.id)).toHaveLength(1);

    // Two random codes are equal once in a million sends; then only the second check applies.
    if (codeFrom(first!.text) !== codeFrom(second!.text)) {
      const old = await secondFactor(challenge, 'sms', codeFrom(first!.text));
      expect(old.statusCode).toBe(401);
    }
    const current = await secondFactor(challenge, 'sms', codeFrom(second!.text));
    expect(current.statusCode).toBe(200);
  });

  it('sends at most five codes per challenge', async () => {
    const user = await createSignInUser(tenant, { mobile: '+46701110004' });
    const challenge = await startSignIn(tenant, user);
    for (const factor of ['sms', 'email', 'sms', 'email', 'sms'] as const) expect((await sendCode(challenge, factor)).statusCode).toBe(202);

    const sixth = await sendCode(challenge, 'email');

    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().error.code).toBe('ONE_TIME_CODE_LIMIT');
    expect(await smsTo('+46701110004')).toHaveLength(3);
  });

  it('rejects a code after five minutes', async () => {
    const user = await createSignInUser(tenant, { mobile: '+46701110005' });
    const challenge = await startSignIn(tenant, user);
    await sendCode(challenge, 'sms');
    const [sms] = await smsTo('+46701110005');
    await tenant.admin.query(
      `UPDATE esm.sign_in_codes SET expires_at = now() - interval '1 second'
       FROM esm.sign_in_challenges WHERE sign_in_challenges.hash = sign_in_codes.challenge_hash AND user_id = $1`,
      [user.id],
    );

    const response = await secondFactor(challenge, 'sms', codeFrom(sms!.text));

    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SIGN_IN_FAILED');
  });

  it('stores codes that expire five minutes after sending', async () => {
    const user = await createSignInUser(tenant, { mobile: '+46701110006' });
    await sendCode(await startSignIn(tenant, user), 'sms');
    const result = await tenant.admin.query<{ seconds: number }>(
      `SELECT extract(epoch FROM sign_in_codes.expires_at - now())::int AS seconds FROM esm.sign_in_codes
       JOIN esm.sign_in_challenges ON sign_in_challenges.hash = sign_in_codes.challenge_hash WHERE user_id = $1`,
      [user.id],
    );
    expect(result.rows[0]!.seconds).toBeGreaterThan(290);
    expect(result.rows[0]!.seconds).toBeLessThanOrEqual(300);
  });

  it('sends nothing while the address is locked', async () => {
    const user = await createSignInUser(tenant, { mobile: '+46701110009' });
    const challenge = await startSignIn(tenant, user);
    await tenant.admin.query(
      "UPDATE esm.sign_in_failures SET failures = 10, locked_until = now() + interval '30 minutes' WHERE email = $1",
      [user.email],
    );

    const response = await sendCode(challenge, 'sms');

    expect(response.statusCode).toBe(429);
    expect(response.json().error.code).toBe('SIGN_IN_LOCKED');
    expect(await smsTo('+46701110009')).toEqual([]);
  });

  it('rejects SMS without a mobile number', async () => {
    const user = await createSignInUser(tenant);
    const response = await sendCode(await startSignIn(tenant, user), 'sms');
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('SECOND_FACTOR_UNAVAILABLE');
  });

  it('rejects an unknown challenge', async () => {
    const response = await sendCode('no-such-challenge', 'email');
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SIGN_IN_FAILED');
  });

  describe('with the HTTP SMS provider', () => {
    let provider: FakeSmsProvider;
    let httpApp: FastifyInstance;

    beforeAll(async () => {
      provider = await startFakeSmsProvider();
      const logger = createLogger('tenant-test', { level: 'silent' });
      httpApp = await buildTenantApp({ ...tenant.secret, sms: { provider: 'http', url: provider.url, token: 'sms-provider-token' } }, { logger });
    });

    afterEach(() => {
      provider.status = 200;
    });

    afterAll(async () => {
      await httpApp.close();
      await provider.close();
    });

    it('posts the code to the provider and signs in with it', async () => {
      const user = await createSignInUser(tenant, { mobile: '+46701110007' });
      const challenge = await startSignIn(tenant, user);

      const sent = await sendCode(challenge, 'sms', httpApp);

      expect(sent.statusCode).toBe(202);
      const received = provider.received.filter((request) => request.body.to === '+46701110007');
      expect(received).toHaveLength(1);
      expect(received[0]!.headers.authorization).toBe('Bearer sms-provider-token');
      const signedIn = await secondFactor(challenge, 'sms', codeFrom(received[0]!.body.text), httpApp);
      expect(signedIn.statusCode).toBe(200);
    });

    it('rejects with SMS_SEND_FAILED when the provider fails', async () => {
      const user = await createSignInUser(tenant, { mobile: '+46701110008' });
      const challenge = await startSignIn(tenant, user);
      provider.status = 500;

      const sent = await sendCode(challenge, 'sms', httpApp);

      expect(sent.statusCode).toBe(503);
      expect(sent.json().error.code).toBe('SMS_SEND_FAILED');
      expect(await codeRows(user.id)).toEqual([]);
      const counted = await tenant.admin.query<{ codes_sent: number }>('SELECT codes_sent FROM esm.sign_in_challenges WHERE user_id = $1', [user.id]);
      expect(counted.rows[0]!.codes_sent).toBe(0);
    });
  });
});
