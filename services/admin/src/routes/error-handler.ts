import type { FastifyInstance } from 'fastify';
import { handleError, requestLocale, toAppError, toErrorBody } from '@esm/common';

/**
 * Installs the shared error handler, extended so that state conflicts also
 * carry the tenant's current state as `error.state` for the calling service.
 */
export function registerAdminErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    const state = appError.values.state;
    if (typeof state !== 'string') {
      handleError(error, request, reply);
      return;
    }
    request.log.info({ code: appError.code, detail: appError.message }, 'request rejected');
    const body = toErrorBody(appError, requestLocale(request), request.id);
    void reply.status(appError.status).type('application/json').send({ error: { ...body.error, state } });
  });
}
