import { AppError, type AdminClient, type Mailer, type PlatformConfig } from '@esm/common';
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { createRegistration, type RegistrationInput } from '../admin-api.js';
import { REGISTRATION_ERRORS } from '../errors.js';
import { localHref, pageContext, sendPage } from '../pages/layout.js';
import { createFormToken, formRateLimit, type RateLimitOptions } from '../security.js';
import { DETAILS_LIFETIME_MINUTES, readRegistrationDetailsCookie, setRegistrationDetailsCookie } from './registration-details-cookie.js';
import { composeRegistrationMail } from './registration-mail.js';
import { EMPTY_REGISTRATION_INPUT, renderCheckEmailPage, renderSignUpPage } from './sign-up-page.js';

export interface SignUpDependencies {
  config: PlatformConfig;
  admin: AdminClient;
  mailer: Mailer;
  rateLimit: RateLimitOptions;
  formProtection: preHandlerHookHandler[];
}

/** Reads the form fields; a missing or repeated field counts as empty, so admin reports it. */
function readRegistrationInput(body: unknown): RegistrationInput {
  const fields = (body ?? {}) as Record<string, unknown>;
  const read = (name: keyof RegistrationInput) => (typeof fields[name] === 'string' ? (fields[name] as string).trim() : '');
  return {
    organisation: read('organisation'),
    tenantName: read('tenantName'),
    contactEmail: read('contactEmail'),
    contactMobile: read('contactMobile'),
  };
}

/**
 * Registers `GET /` (the sign-up form), `POST /` (registration through admin
 * and the e-mail) and `GET /check-email`, the page a successful POST
 * redirects to, so that reloading it does not send the form again.
 */
export function registerSignUpRoutes(app: FastifyInstance, deps: SignUpDependencies): void {
  const addressConfig = deps.config;

  app.get('/', async (request, reply) => {
    const page = renderSignUpPage(pageContext(request), {
      values: EMPTY_REGISTRATION_INPUT,
      problems: [],
      csrfToken: createFormToken(reply),
      addressConfig,
    });
    return sendPage(reply, 200, page);
  });

  app.post('/', { preHandler: deps.formProtection, config: formRateLimit(deps.rateLimit) }, async (request: FastifyRequest, reply) => {
    const context = pageContext(request);
    const input = readRegistrationInput(request.body);
    const result = await createRegistration(deps.admin, input, context.locale);

    if (result.kind === 'invalid') {
      request.log.info({ fields: result.fields.map((f) => `${f.field}:${f.code}`) }, 'registration rejected by admin');
      const page = renderSignUpPage(context, { values: input, problems: result.fields, csrfToken: createFormToken(reply), addressConfig });
      return sendPage(reply, REGISTRATION_ERRORS.formInvalid.status, page);
    }

    const { registration } = result;
    request.log.info({ tenantName: registration.tenantName }, 'tenant registered');
    const mail = composeRegistrationMail(deps.config, input, registration, context.locale);
    try {
      await deps.mailer.send(mail);
    } catch (error) {
      throw new AppError(REGISTRATION_ERRORS.mailFailed, { detail: `deployment link e-mail for ${registration.tenantName} failed`, cause: error });
    }
    setRegistrationDetailsCookie(reply, {
      tenantName: registration.tenantName,
      contactEmail: input.contactEmail,
      expiresAt: registration.expiresAt,
    });
    return reply.redirect(localHref('/check-email', context.locale), 303);
  });

  app.get('/check-email', async (request, reply) => {
    const page = renderCheckEmailPage(pageContext(request), readRegistrationDetailsCookie(request), DETAILS_LIFETIME_MINUTES);
    return sendPage(reply, 200, page);
  });
}
