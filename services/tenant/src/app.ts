import type { FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import type pg from 'pg';
import { createHttpService, createLogger, createMailer, createMetricsRegistry, type Logger, type Mailer, type TenantSecret } from '@esm/common';
import { createAppPool } from './db/pool.js';
import { loadTenantKeys } from './auth/signing-keys.js';
import { prepareDummyPasswordHash } from './auth/password.js';
import { registerAuthRoutes } from './auth/routes.js';
import { registerPasswordResetRoutes } from './auth/password-reset/routes.js';
import { registerSignInRateLimit } from './auth/limits/rate-limit.js';
import { registerSignInRoutes } from './auth/sign-in/routes.js';
import { registerFactorRoutes } from './auth/factors/routes.js';
import { createVerifiedTokenCache, type VerifiedTokenCache } from './auth/sessions/verified-token-cache.js';
import { registerSessionRoutes } from './auth/sessions/routes.js';
import { registerMeRoutes } from './me/routes.js';
import { registerUserRoutes } from './users/routes.js';
import { registerObjectRoutes } from './model/objects/routes.js';
import { registerRelationRoutes } from './model/relations/routes.js';
import { registerOverviewRoutes } from './model/overview/routes.js';
import { registerMetaModelRoutes } from './meta-model/routes.js';
import { registerClassificationRoutes } from './classification/routes.js';
import { registerAuditRoutes } from './audit/routes.js';
import { registerArchimateImportRoutes } from './imports/archimate/routes.js';
import { registerRequirementRoutes } from './requirements/routes.js';
import { registerExchangeRoutes } from './exchange/routes.js';
import { registerLiveRoutes } from './live/routes.js';
import { registerTemplateRoutes } from './templates/routes.js';
import { registerActivityRoute } from './activity/routes.js';
import { createLiveHub, tellToReconnect } from './live/hub.js';
import { createChangeListener } from './live/change-listener.js';
import { registerApiDescription } from './openapi/api-description.js';
import { registerMetricsRoute } from './operations/metrics-route.js';
import { createDatabaseReadinessCheck } from './operations/readiness.js';
import { registerWebClient, WEB_CLIENT_DIR } from './web-client/serve.js';
import type { TenantContext } from './context.js';

/** Options of buildTenantApp; everything has a default taken from the secret. */
export interface TenantAppOptions {
  logger?: Logger;
  /** A pool of the app login; by default one is created and closed with the app. */
  pool?: pg.Pool;
  mailer?: Mailer;
  /** The built web client; defaults to `web/dist` of this package. */
  webClientDir?: string;
  /**
   * The cache of verified access tokens; by default an empty one. The
   * benchmarks pass a cache that stores nothing, to time full ES512
   * verification on every request.
   */
  verifiedTokens?: VerifiedTokenCache;
}

/** Maximum WebSocket message size on /api/live. An auth message contains a token of at most 8 KiB. */
const LIVE_MAX_PAYLOAD_BYTES = 16 * 1024;

/**
 * Builds the tenant's Fastify instance with every route, without listening
 * and without touching the schema: run prepareTenantDatabase first. Closing
 * the instance closes live connections, the change listener and the pool
 * it created.
 */
export async function buildTenantApp(secret: TenantSecret, options: TenantAppOptions = {}): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger('tenant').child({ tenant: secret.tenant });
  // Built before the app exists, so the first unknown-address sign-in costs one bcrypt run like every later one.
  await prepareDummyPasswordHash();
  const ownsPool = !options.pool;
  const pool = options.pool ?? createAppPool(secret.database.app, logger);
  const live = createLiveHub();
  const changeListener = createChangeListener({ login: secret.database.app, hub: live, logger });
  const context: TenantContext = {
    secret,
    database: { pool, readOnlyRole: secret.database.readOnly.user },
    keys: loadTenantKeys(secret.signingKeys),
    audience: { tenant: secret.tenant, origin: secret.origin },
    verifiedTokens: options.verifiedTokens ?? createVerifiedTokenCache(),
    live,
    mailer: options.mailer ?? createMailer(secret.mail, logger),
    logger,
  };

  // The tenant sits behind the gateway on loopback, which sets X-Forwarded-For.
  const metrics = createMetricsRegistry('tenant');
  const app = createHttpService({
    logger,
    trustProxy: true,
    metrics,
    checkReadiness: createDatabaseReadinessCheck(pool),
    // Attribute values are string, number or boolean: a union type, which Ajv's strict mode reports unless allowed.
    fastify: { ajv: { customOptions: { allowUnionTypes: true } } },
  });
  app.decorateRequest('user', null);
  // Readiness does not depend on the listener: a tenant without it still
  // serves requests, and the listener reconnects on its own.
  app.addHook('onReady', () => changeListener.start());
  app.addHook('onClose', async () => {
    await changeListener.close();
    context.live.closeAll();
    if (ownsPool) await pool.end();
  });

  // Registered before the WebSocket plugin, whose own preClose closes every socket without a reason.
  app.addHook('preClose', (done) => {
    for (const socket of app.websocketServer?.clients ?? []) tellToReconnect(socket);
    done();
  });
  await app.register(websocket, { options: { maxPayload: LIVE_MAX_PAYLOAD_BYTES } });
  // Reads and sets the refresh token cookie; no other route uses cookies.
  await app.register(cookie);
  // Before every API route: the description collects the routes registered after it.
  await registerApiDescription(app);
  registerActivityRoute(app);
  await registerSignInRateLimit(app);
  await registerAuthRoutes(app, context);
  await registerPasswordResetRoutes(app, context);
  await registerSignInRoutes(app, context);
  await registerFactorRoutes(app, context);
  await registerSessionRoutes(app, context);
  await registerMeRoutes(app, context);
  await registerUserRoutes(app, context);
  await registerObjectRoutes(app, context);
  await registerRelationRoutes(app, context);
  await registerOverviewRoutes(app, context);
  await registerMetaModelRoutes(app, context);
  await registerClassificationRoutes(app, context);
  await registerAuditRoutes(app, context);
  await registerArchimateImportRoutes(app, context);
  await registerRequirementRoutes(app, context);
  await registerExchangeRoutes(app, context);
  await registerLiveRoutes(app, context);
  registerTemplateRoutes(app, context);
  registerMetricsRoute(app, metrics);
  await registerWebClient(app, options.webClientDir ?? WEB_CLIENT_DIR);
  return app;
}
