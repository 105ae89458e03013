import type { FastifyInstance } from 'fastify';
import { AppError, COMMON_ERRORS } from '@esm/common';

// Paths that platform services call; a request to them is not user activity.
const INTERNAL_PATHS = ['/healthz', '/internal/'];

/**
 * Records the time of the last user request, and serves it as
 * `GET /internal/activity` → `{ lastRequestAt }` so that admin can stop a
 * tenant that has been idle. The process's start counts as its first
 * activity. The route answers only requests straight to the tenant's port,
 * which listens on the internal bind host: the gateway and the default
 * backend add X-Forwarded-* headers, so a request carrying any of them came
 * from outside and gets 404 ROUTE_NOT_FOUND, as an unknown path would.
 */
export function registerActivityRoute(app: FastifyInstance): void {
  let lastRequestAt = new Date();

  app.addHook('onRequest', async (request) => {
    if (!INTERNAL_PATHS.some((prefix) => request.url.startsWith(prefix))) lastRequestAt = new Date();
  });

  app.get('/internal/activity', async (request) => {
    if (Object.keys(request.headers).some((name) => name.startsWith('x-forwarded-'))) {
      throw new AppError(COMMON_ERRORS.notFound, { detail: 'activity route requested through a proxy' });
    }
    return { lastRequestAt: lastRequestAt.toISOString() };
  });
}
