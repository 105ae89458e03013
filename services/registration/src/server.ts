import fastifyFormbody from '@fastify/formbody';
import {
  AppError,
  COMMON_ERRORS,
  adminBaseUrl,
  createAdminClient,
  createHttpService,
  createLogger,
  createMailer,
  createMetricsRegistry,
  startMetricsListener,
  readServiceCredential,
  registrationOrigin,
  toAppError,
  toErrorBody,
  type AdminClient,
  type Logger,
  type Mailer,
  type PlatformConfig,
} from '@esm/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { registerDeploymentRoutes } from './deployment/deployment-routes.js';
import { REGISTRATION_ERRORS } from './errors.js';
import { pageContext, renderErrorPage, requestPageLocale, sendPage } from './pages/layout.js';
import { DEFAULT_RATE_LIMIT, formProtection, registerSecurity, type RateLimitOptions } from './security.js';
import { registerSignUpRoutes } from './sign-up/sign-up-routes.js';

/** The form posts a few short fields, so anything larger is not a real form. */
const BODY_LIMIT_BYTES = 16 * 1024;

/** Services that the registration app calls. Tests and `startRegistration` supply them. */
export interface RegistrationDependencies {
  logger: Logger;
  /** Registry for request counts and durations; none are recorded without it. */
  metrics?: Registry;
  admin: AdminClient;
  mailer: Mailer;
  rateLimit?: RateLimitOptions;
}

export interface RegistrationOptions {
  logger?: Logger;
  /** admin credential. When left out, it is read from the registration credential file. */
  credential?: string;
  mailer?: Mailer;
  rateLimit?: RateLimitOptions;
  /** Port to listen on instead of `config.ports.registration`. 0 picks a free one. */
  port?: number;
}

export interface RegistrationServer {
  port: number;
  close(): Promise<void>;
}

/** Maps the CSRF plugin's errors to this service's code and everything else as the shared code does. */
function toPageError(error: unknown): AppError {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (!(error instanceof AppError) && (code === 'FST_CSRF_MISSING_SECRET' || code === 'FST_CSRF_INVALID_TOKEN')) {
    return new AppError(REGISTRATION_ERRORS.formTokenInvalid, { detail: String(code), cause: error });
  }
  return toAppError(error);
}

/**
 * Sends an error as a page in the user's language, or as the shared JSON
 * error body on the JSON status route. The detail goes to the log only.
 */
function handlePageError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const appError = toPageError(error);
  // The field is `errorCode` because the shared logger redacts every field named `code`.
  if (appError.status >= 500) {
    request.log.error({ err: error, errorCode: appError.code }, 'request failed');
  } else {
    request.log.info({ errorCode: appError.code, detail: appError.message }, 'request rejected');
  }
  const path = request.url.split('?')[0] ?? '';
  if (path.endsWith('.json')) {
    void reply.status(appError.status).type('application/json').send(toErrorBody(appError, requestPageLocale(request), request.id));
    return;
  }
  void sendPage(reply, appError.status, renderErrorPage(pageContext(request), appError));
}

/**
 * Registers the pages in their own plugin scope, so that their error handler
 * and security hooks replace the shared JSON ones without touching
 * `/healthz` and `/readyz`.
 */
async function registerPages(scope: FastifyInstance, config: PlatformConfig, deps: RegistrationDependencies): Promise<void> {
  const rateLimit = deps.rateLimit ?? DEFAULT_RATE_LIMIT;
  scope.setErrorHandler(handlePageError);

  await scope.register(fastifyFormbody);
  await registerSecurity(scope, rateLimit);
  const protection = formProtection(scope, registrationOrigin(config));
  registerSignUpRoutes(scope, { config, admin: deps.admin, mailer: deps.mailer, rateLimit, formProtection: protection });
  registerDeploymentRoutes(scope, { config, admin: deps.admin, rateLimit, formProtection: protection });

  // The shared service already owns the root not-found handler, so unknown
  // paths are caught here to get the translated HTML page instead of JSON.
  scope.all('/*', async () => {
    throw new AppError(COMMON_ERRORS.notFound);
  });
}

/** Builds the registration app: the sign-up form and the deployment pages. */
export async function buildRegistrationApp(config: PlatformConfig, deps: RegistrationDependencies): Promise<FastifyInstance> {
  const app = createHttpService({ logger: deps.logger, trustProxy: true, bodyLimit: BODY_LIMIT_BYTES, metrics: deps.metrics });
  await app.register(async (scope) => registerPages(scope, config, deps));
  return app;
}

/** Starts the registration service on `config.bindHost`, calling admin with the registration credential. */
export async function startRegistration(config: PlatformConfig, options: RegistrationOptions = {}): Promise<RegistrationServer> {
  const logger = options.logger ?? createLogger('registration');
  const credential = options.credential ?? (await readServiceCredential(config, 'registration'));
  const metrics = createMetricsRegistry('registration');
  const app = await buildRegistrationApp(config, {
    logger,
    metrics,
    admin: createAdminClient(adminBaseUrl(config), credential),
    mailer: options.mailer ?? createMailer(config.mail, logger),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  await app.listen({ host: config.bindHost, port: options.port ?? config.ports.registration });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  logger.info({ host: config.bindHost, port }, 'registration listening');
  const metricsListener = config.metricsPorts
    ? await startMetricsListener({ registry: metrics, host: config.bindHost, port: config.metricsPorts.registration, logger })
    : undefined;
  return {
    port,
    close: async () => {
      await app.close();
      await metricsListener?.close();
    },
  };
}
