import type { FastifyInstance } from 'fastify';
import type { TenantContext } from '../../context.js';
import { createSmsSender, type SmsSender } from '../factors/sms-sender.js';
import type { SecondFactor } from '../factors/user-factors.js';
import { confirmEnrolment, startEnrolment } from './enrolment.js';
import { requestOneTimeCode, type OneTimeCodeFactor } from './one-time-codes.js';
import { checkPasswordStep } from './password-step.js';
import { checkSecondFactorStep } from './second-factor-step.js';
import {
  enrolmentBodySchema,
  enrolmentConfirmBodySchema,
  oneTimeCodeBodySchema,
  passwordStepBodySchema,
  secondFactorBodySchema,
} from './schemas.js';

/**
 * Registers the sign-in steps: `POST /api/auth/password`, `/one-time-code`,
 * `/second-factor` and TOTP enrolment after a factor reset. Each shares the
 * per-address rate limit `app.signInRateLimit`, so registerSignInRateLimit
 * must run first. The SMS sender comes from `secret.sms` unless one is given.
 */
export async function registerSignInRoutes(app: FastifyInstance, context: TenantContext, options: { sms?: SmsSender } = {}): Promise<void> {
  const sms = options.sms ?? createSmsSender(context.secret.sms, context.logger);
  const limited = { onRequest: app.signInRateLimit };

  app.post<{ Body: { email: string; password: string } }>(
    '/api/auth/password',
    { ...limited, schema: { body: passwordStepBodySchema } },
    async (request, reply) => checkPasswordStep(context, request, reply, request.body),
  );

  app.post<{ Body: { challenge: string; factor: OneTimeCodeFactor } }>(
    '/api/auth/one-time-code',
    { ...limited, schema: { body: oneTimeCodeBodySchema } },
    async (request, reply) => {
      await requestOneTimeCode(context, request, reply, sms, request.body);
      return reply.status(202).send();
    },
  );

  app.post<{ Body: { challenge: string; factor: SecondFactor; code: string } }>(
    '/api/auth/second-factor',
    { ...limited, schema: { body: secondFactorBodySchema } },
    async (request, reply) => checkSecondFactorStep(context, request, reply, request.body),
  );

  app.post<{ Body: { challenge: string } }>(
    '/api/auth/enrolment/totp',
    { ...limited, schema: { body: enrolmentBodySchema } },
    async (request) => startEnrolment(context, request.body.challenge),
  );

  app.post<{ Body: { challenge: string; code: string } }>(
    '/api/auth/enrolment/totp/confirm',
    { ...limited, schema: { body: enrolmentConfirmBodySchema } },
    async (request, reply) => confirmEnrolment(context, request, reply, request.body),
  );
}
