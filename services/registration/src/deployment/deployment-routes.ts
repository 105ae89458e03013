import { AppError, isTenantNameWellFormed, type AdminClient, type PlatformConfig } from '@esm/common';
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { isDeploymentTokenWellFormed, readDeploymentStatus, startDeployment } from '../admin-api.js';
import { REGISTRATION_ERRORS } from '../errors.js';
import { localHref, pageContext, renderErrorPage, sendPage } from '../pages/layout.js';
import { createFormToken, formRateLimit, type RateLimitOptions } from '../security.js';
import { renderDeployPage, renderProgressPage, renderTokenRejectionPage } from './deployment-pages.js';

export interface DeploymentDependencies {
  config: PlatformConfig;
  admin: AdminClient;
  rateLimit: RateLimitOptions;
  formProtection: preHandlerHookHandler[];
}

function readToken(source: unknown): string {
  const token = (source as Record<string, unknown> | undefined)?.token;
  if (typeof token !== 'string' || !isDeploymentTokenWellFormed(token)) {
    throw new AppError(REGISTRATION_ERRORS.deploymentTokenInvalid, { detail: 'missing or malformed deployment token' });
  }
  return token;
}

/** Reads the workspace name that the deployment link carries, or undefined when it is missing or malformed. */
function readTenantName(source: unknown): string | undefined {
  const name = (source as Record<string, unknown> | undefined)?.name;
  return typeof name === 'string' && isTenantNameWellFormed(name) ? name : undefined;
}

/** Token rejections that get their own page, which explains what to do next. */
const TOKEN_REJECTIONS_WITH_ADVICE = new Set([
  REGISTRATION_ERRORS.deploymentTokenUsed.code,
  REGISTRATION_ERRORS.deploymentTokenExpired.code,
]);

const TOKEN_REJECTIONS = new Set([REGISTRATION_ERRORS.deploymentTokenInvalid.code, ...TOKEN_REJECTIONS_WITH_ADVICE]);

/**
 * Registers the deployment page (`GET /deploy`, `POST /deploy`), the
 * progress page (`GET /deployments/:id`) and its polling route
 * (`GET /deployments/:id/status.json`).
 */
export function registerDeploymentRoutes(app: FastifyInstance, deps: DeploymentDependencies): void {
  app.get('/deploy', async (request, reply) => {
    const token = readToken(request.query);
    const tenantName = readTenantName(request.query);
    return sendPage(reply, 200, renderDeployPage(pageContext(request), { token, tenantName, csrfToken: createFormToken(reply) }));
  });

  app.post('/deploy', { preHandler: deps.formProtection, config: formRateLimit(deps.rateLimit) }, async (request, reply) => {
    const token = readToken(request.body);
    try {
      const deployment = await startDeployment(deps.admin, token);
      request.log.info({ deploymentId: deployment.deploymentId, tenantName: deployment.tenantName }, 'deployment started');
      return reply.redirect(localHref(`/deployments/${deployment.deploymentId}`, pageContext(request).locale), 303);
    } catch (error) {
      if (!(error instanceof AppError) || !TOKEN_REJECTIONS.has(error.code)) throw error;
      request.log.info({ errorCode: error.code }, 'deployment token rejected');
      // The language link reopens the deployment page with the token (and name) the user already holds.
      const tenantName = readTenantName(request.body);
      const context = pageContext(request, { token, ...(tenantName ? { name: tenantName } : {}) });
      const page = TOKEN_REJECTIONS_WITH_ADVICE.has(error.code)
        ? renderTokenRejectionPage(context, deps.config, error, tenantName)
        : renderErrorPage(context, error);
      return sendPage(reply, error.status, page);
    }
  });

  app.get<{ Params: { id: string } }>('/deployments/:id', async (request, reply) => {
    const status = await readDeploymentStatus(deps.admin, request.params.id);
    if (status.failed) {
      request.log.warn({ deploymentId: status.deploymentId, tenantName: status.tenantName }, 'deployment failed');
    }
    return sendPage(reply, 200, renderProgressPage(pageContext(request), deps.config, status));
  });

  app.get<{ Params: { id: string } }>('/deployments/:id/status.json', async (request) => {
    const status = await readDeploymentStatus(deps.admin, request.params.id);
    return { steps: status.steps, finished: status.finished, failed: status.failed };
  });
}
