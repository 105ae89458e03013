import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import localizeSwedishModule from 'ajv-i18n/localize/sv/index.js';
import { formatText, pickLocale, type LocalizedText, type Locale } from './locale.js';

/**
 * The definition of one error the platform can return: a stable code that
 * clients may rely on, the HTTP status, and the message shown to the user in
 * each language. Codes are never reused for another meaning.
 */
export interface ErrorDefinition {
  code: string;
  status: number;
  message: LocalizedText;
}

const registry = new Map<string, ErrorDefinition>();

/**
 * Registers an error code. Throws at start-up if the code is defined twice,
 * so that two services can never give one code two meanings.
 */
export function defineError(code: string, status: number, message: LocalizedText): ErrorDefinition {
  if (!/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(code)) {
    throw new Error(`error code ${code} is not in AREA_PROBLEM form`);
  }
  if (registry.has(code)) throw new Error(`error code ${code} is defined twice`);
  const definition = { code, status, message };
  registry.set(code, definition);
  return definition;
}

/** Every registered error definition, for the documentation table and tests. */
export function listErrorDefinitions(): ErrorDefinition[] {
  return [...registry.values()];
}

/** A field-level problem inside a validation error, e.g. a form field. */
export interface FieldProblem {
  field: string;
  code: string;
  /** Filled in by the error handler in the user's language. */
  message?: string;
}

/**
 * An error that is safe to show: it carries a registered code, values for the
 * message placeholders, optional field problems, and a detail for the log only.
 */
export class AppError extends Error {
  readonly definition: ErrorDefinition;
  readonly values: Record<string, string | number | LocalizedText>;
  readonly fields: FieldProblem[];

  constructor(
    definition: ErrorDefinition,
    options: { detail?: string; values?: Record<string, string | number | LocalizedText>; fields?: FieldProblem[]; cause?: unknown } = {},
  ) {
    super(options.detail ?? definition.code, { cause: options.cause });
    this.name = 'AppError';
    this.definition = definition;
    this.values = options.values ?? {};
    this.fields = options.fields ?? [];
  }

  get code(): string {
    return this.definition.code;
  }

  get status(): number {
    return this.definition.status;
  }

  /** The user's message in the given language, with placeholders filled in. */
  userMessage(locale: Locale): string {
    const values = Object.fromEntries(
      Object.entries(this.values).map(([name, value]) => [name, typeof value === 'object' ? value[locale] : value]),
    );
    return formatText(this.definition.message[locale], values);
  }
}

export const COMMON_ERRORS = {
  internal: defineError('INTERNAL_ERROR', 500, {
    en: 'Something went wrong on our side. Please try again; if it keeps happening, contact support and quote the request id.',
    sv: 'Något gick fel hos oss. Försök igen. Om felet kvarstår, kontakta supporten och ange förfrågans id.',
  }),
  notFound: defineError('ROUTE_NOT_FOUND', 404, {
    en: 'The page or resource was not found.',
    sv: 'Sidan eller resursen hittades inte.',
  }),
  invalidRequest: defineError('REQUEST_INVALID', 400, {
    en: 'The request is invalid: {reason}',
    sv: 'Förfrågan är ogiltig: {reason}',
  }),
  payloadTooLarge: defineError('REQUEST_TOO_LARGE', 413, {
    en: 'The request is too large.',
    sv: 'Förfrågan är för stor.',
  }),
  unsupportedMediaType: defineError('REQUEST_UNSUPPORTED_MEDIA_TYPE', 415, {
    en: 'The request body has a content type that is not supported here.',
    sv: 'Förfrågans innehållstyp stöds inte här.',
  }),
  unauthenticated: defineError('AUTH_REQUIRED', 401, {
    en: 'Sign in to continue.',
    sv: 'Logga in för att fortsätta.',
  }),
  forbidden: defineError('ACCESS_DENIED', 403, {
    en: 'You do not have access to do this.',
    sv: 'Du har inte behörighet att göra detta.',
  }),
  serviceUnavailable: defineError('SERVICE_UNAVAILABLE', 503, {
    en: 'The service is temporarily unavailable. Please try again shortly.',
    sv: 'Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.',
  }),
  /** A database statement ran longer than the service allows and was cancelled; the transaction rolled back. */
  requestTimedOut: defineError('REQUEST_TIMED_OUT', 503, {
    en: 'The request took too long and was stopped, so nothing was changed. Try again, or with less data at once.',
    sv: 'Förfrågan tog för lång tid och avbröts, så inget ändrades. Försök igen, eller med mindre data åt gången.',
  }),
  /** The database aborted the transaction because of a deadlock or a serialisation failure with another writer; nothing was changed. */
  concurrentChange: defineError('CHANGE_CONCURRENT', 409, {
    en: 'Someone else changed the same data at the same moment, so nothing was saved. Try again.',
    sv: 'Någon annan ändrade samma uppgifter i samma stund, så inget sparades. Försök igen.',
  }),
};

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldProblem[]; requestId: string };
}

/** Field problem messages by code, registered by the service that owns the form. */
const fieldMessages = new Map<string, LocalizedText>();

/** Registers the user messages for field problem codes (e.g. `NAME_RESERVED`). */
export function defineFieldMessages(messages: Record<string, LocalizedText>): void {
  for (const [code, text] of Object.entries(messages)) fieldMessages.set(code, text);
}

/** The user message for a field problem code, or the code itself when none is registered. */
export function fieldMessage(code: string, locale: Locale): string {
  return fieldMessages.get(code)?.[locale] ?? code;
}

/** Builds the response body for an AppError in the given language. */
export function toErrorBody(error: AppError, locale: Locale, requestId: string): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.userMessage(locale), requestId } };
  if (error.fields.length > 0) {
    body.error.fields = error.fields.map((f) => ({ ...f, message: f.message ?? fieldMessage(f.code, locale) }));
  }
  return body;
}

/**
 * Translates anything thrown into an AppError. Known errors pass through;
 * Fastify's own client errors (bad JSON, too large, wrong content type) get
 * their codes; everything else becomes INTERNAL_ERROR so that no stack trace,
 * SQL or path can reach a user.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as Partial<FastifyError> | undefined;
  const status = fastifyError?.statusCode;
  if (fastifyError?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
    return new AppError(COMMON_ERRORS.payloadTooLarge, { cause: error });
  }
  if (fastifyError?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) {
    return new AppError(COMMON_ERRORS.unsupportedMediaType, { cause: error });
  }
  if (fastifyError?.validation || (status !== undefined && status >= 400 && status < 500)) {
    // Fastify's validation and parser messages name only the field or the
    // syntax problem, never a path or a value from the server.
    const reason = fastifyError?.validation
      ? describeValidationErrors(fastifyError as FastifyError & { validation: FastifySchemaValidationError[] })
      : { en: 'the body could not be read', sv: 'innehållet kunde inte läsas' };
    return new AppError(COMMON_ERRORS.invalidRequest, { values: { reason }, cause: error });
  }
  return new AppError(COMMON_ERRORS.internal, { cause: error, detail: String((error as Error)?.message ?? error) });
}

// The package is CommonJS and its module.exports is the function. Its type
// declarations use `export default`, which TypeScript's NodeNext resolution
// reads as a property of the module.
const localizeSwedish = localizeSwedishModule as unknown as (errors: FastifySchemaValidationError[]) => void;

/**
 * Describes Fastify's schema validation errors in both languages: Fastify's
 * own English message, and the same errors with Ajv's Swedish messages
 * from ajv-i18n. Both name only the field and the rule it broke.
 */
function describeValidationErrors(error: FastifyError & { validation: FastifySchemaValidationError[] }): LocalizedText {
  const swedish = error.validation.map((problem) => ({ ...problem }));
  localizeSwedish(swedish);
  const context = error.validationContext ?? 'body';
  const sv = swedish.map((problem) => `${context}${problem.instancePath} ${problem.message ?? 'är ogiltigt'}`).join(', ');
  return { en: error.message ?? 'invalid input', sv };
}

/** The locale of a request: the signed-in user's choice when known, else Accept-Language. */
export function requestLocale(request: FastifyRequest): Locale {
  const chosen = (request as FastifyRequest & { userLocale?: Locale }).userLocale;
  return chosen ?? pickLocale(request.headers['accept-language']);
}

/** Fastify error handler: logs the detail, sends the code and the safe message. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const appError = toAppError(error);
  if (appError.status >= 500) {
    request.log.error({ err: error, code: appError.code }, 'request failed');
  } else {
    request.log.info({ code: appError.code, detail: appError.message }, 'request rejected');
  }
  void reply.status(appError.status).type('application/json').send(toErrorBody(appError, requestLocale(request), request.id));
}
