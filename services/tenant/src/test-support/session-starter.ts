import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { createLogger, createMailer } from '@esm/common';
import { createAppPool } from '../db/pool.js';
import { createLiveHub } from '../live/hub.js';
import { loadTenantKeys } from '../auth/signing-keys.js';
import type { TenantContext } from '../context.js';
import type { AccessLevel } from '../auth/access-level.js';
import { REFRESH_COOKIE } from '../auth/sessions/refresh-cookie.js';
import { startSession } from '../auth/sessions/start-session.js';
import { createVerifiedTokenCache } from '../auth/sessions/verified-token-cache.js';
import type { TestTenant } from './tenant-fixture.js';

/** A session started through startSession, with the values a test needs. */
export interface StartedSession {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  /** The raw Set-Cookie header of the start. */
  setCookie: string;
}

/** Starts sessions for users of a test tenant without the sign-in steps, which other tests cover. */
export interface SessionStarter {
  context: TenantContext;
  start(user: { id: string; email: string; accessLevel: AccessLevel }): Promise<StartedSession>;
  close(): Promise<void>;
}

/**
 * Builds a TenantContext on the test tenant's database and keys and a small
 * Fastify app whose only route calls startSession, as sign-in does once the
 * second factor is checked.
 */
export async function createSessionStarter(tenant: TestTenant): Promise<SessionStarter> {
  const logger = createLogger('session-test', { level: process.env.ESM_TEST_LOG_LEVEL ?? 'silent' });
  const { secret } = tenant;
  const pool = createAppPool(secret.database.app, logger);
  const context: TenantContext = {
    secret,
    database: { pool, readOnlyRole: secret.database.readOnly.user },
    keys: loadTenantKeys(secret.signingKeys),
    audience: { tenant: secret.tenant, origin: secret.origin },
    verifiedTokens: createVerifiedTokenCache(),
    live: createLiveHub(),
    mailer: createMailer(secret.mail, logger),
    logger,
  };

  const app = Fastify({ loggerInstance: logger });
  await app.register(cookie);
  app.post<{ Body: { id: string; email: string; accessLevel: AccessLevel } }>('/start', async (request, reply) =>
    startSession(context, request, reply, { ...request.body, locale: 'sv' }),
  );

  return {
    context,
    async start(user) {
      const response = await app.inject({
        method: 'POST',
        url: '/start',
        headers: { 'user-agent': 'session-test/1.0' },
        payload: { id: user.id, email: user.email, accessLevel: user.accessLevel },
      });
      if (response.statusCode !== 200) throw new Error(`starting a session failed: ${response.statusCode} ${response.body}`);
      const refresh = response.cookies.find((entry) => entry.name === REFRESH_COOKIE);
      if (!refresh) throw new Error('startSession set no refresh cookie');
      const body = response.json<{ accessToken: string }>();
      const sessionId = JSON.parse(Buffer.from(body.accessToken.split('.')[1]!, 'base64url').toString('utf8')).sid as string;
      return { accessToken: body.accessToken, refreshToken: refresh.value, sessionId, setCookie: String(response.headers['set-cookie']) };
    },
    async close() {
      await app.close();
      await pool.end();
    },
  };
}
