import type { FastifyInstance } from 'fastify';
import { AppError, handleError, requestLocale, toErrorBody, type ErrorDefinition } from '@esm/common';

/**
 * An error whose response carries data beyond the code and the message,
 * such as the current object of a version conflict. The data goes into the
 * `error` object of the body next to `code` and `message`, so it must be
 * safe to show to the user who made the request.
 */
export class AppErrorWithDetails extends AppError {
  readonly details: Record<string, unknown>;

  constructor(
    definition: ErrorDefinition,
    details: Record<string, unknown>,
    options: { detail?: string; values?: AppError['values'] } = {},
  ) {
    super(definition, options);
    this.details = details;
  }
}

/**
 * Sets the error handler of an encapsulated route scope: an
 * AppErrorWithDetails is sent with its details, and every other error goes
 * to the platform's handler as before.
 */
export function sendErrorDetails(scope: FastifyInstance): void {
  scope.setErrorHandler((error, request, reply) => {
    if (!(error instanceof AppErrorWithDetails)) {
      handleError(error, request, reply);
      return;
    }
    request.log.info({ code: error.code, detail: error.message }, 'request rejected');
    const body = toErrorBody(error, requestLocale(request), request.id);
    void reply
      .status(error.status)
      .type('application/json')
      .send({ error: { ...error.details, ...body.error } });
  });
}
