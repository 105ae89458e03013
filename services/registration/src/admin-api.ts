import { AppError, COMMON_ERRORS, type AdminClient, type AdminResponse, type FieldProblem, type Locale } from '@esm/common';
import { REGISTRATION_ERRORS } from './errors.js';
import { DEPLOYMENT_STEPS, STEP_STATUSES, type DeploymentStep, type StepStatus } from './pages/texts.js';

/** The sign-up form's values, named as admin's `POST /v1/registrations` names them. */
export interface RegistrationInput {
  organisation: string;
  tenantName: string;
  contactEmail: string;
  contactMobile: string;
}

export interface Registration {
  tenantName: string;
  deploymentToken: string;
  expiresAt: Date;
}

export type RegistrationResult = { kind: 'created'; registration: Registration } | { kind: 'invalid'; fields: FieldProblem[] };

export interface DeploymentStatus {
  deploymentId: string;
  tenantName: string;
  steps: { step: DeploymentStep; status: StepStatus }[];
  finished: boolean;
  failed: boolean;
}

interface AdminErrorBody {
  error?: { code?: unknown; fields?: unknown };
}

/**
 * Deployment ids and tokens that may be passed on to admin. Only URL-safe
 * characters are allowed, so an id can never add a path segment or a query
 * to admin's URL.
 * NOTE: admin's id format is not fixed in its API description; this accepts
 * both a UUID and a base64url string. Tighten it when admin documents one.
 */
const DEPLOYMENT_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const DEPLOYMENT_TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,512}$/;

/** Checks that a deployment id has the form admin issues. */
export function isDeploymentIdWellFormed(id: string): boolean {
  return DEPLOYMENT_ID_PATTERN.test(id);
}

/** Checks that a deployment token could have been issued by admin. */
export function isDeploymentTokenWellFormed(token: string): boolean {
  return DEPLOYMENT_TOKEN_PATTERN.test(token);
}

async function requestAdmin<T>(admin: AdminClient, method: string, path: string, body?: unknown): Promise<AdminResponse<T>> {
  try {
    return await admin.request<T>(method, path, body);
  } catch (error) {
    throw new AppError(COMMON_ERRORS.serviceUnavailable, { detail: `admin request ${method} ${path.split('/').slice(0, 3).join('/')} failed`, cause: error });
  }
}

function adminErrorCode(response: AdminResponse<unknown>): string | undefined {
  const code = (response.body as AdminErrorBody | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns an admin response that no caller expects into a generic error. Only the
 * status and admin's code reach the log, never admin's message, and the user
 * sees only the generic text.
 */
function unexpectedAdminResponse(operation: string, response: AdminResponse<unknown>): AppError {
  const definition = response.status === 503 ? COMMON_ERRORS.serviceUnavailable : COMMON_ERRORS.internal;
  return new AppError(definition, {
    detail: `admin ${operation} returned ${response.status} ${adminErrorCode(response) ?? 'without a code'}`,
  });
}

function malformedAdminBody(operation: string): AppError {
  return new AppError(COMMON_ERRORS.internal, { detail: `admin ${operation} returned a body of an unexpected shape` });
}

function parseFieldProblems(fields: unknown): FieldProblem[] {
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((entry: unknown) => {
    const { field, code } = (entry ?? {}) as { field?: unknown; code?: unknown };
    return typeof field === 'string' && typeof code === 'string' ? [{ field, code }] : [];
  });
}

/** Registers a tenant through admin, which validates the input and issues the deployment token. */
export async function createRegistration(admin: AdminClient, input: RegistrationInput, locale: Locale): Promise<RegistrationResult> {
  const response = await requestAdmin<unknown>(admin, 'POST', '/v1/registrations', { ...input, locale });
  if (response.status === 422 && adminErrorCode(response) === 'REGISTRATION_INVALID') {
    return { kind: 'invalid', fields: parseFieldProblems((response.body as AdminErrorBody).error?.fields) };
  }
  if (response.status !== 201) throw unexpectedAdminResponse('registration', response);

  const body = (response.body ?? {}) as Record<string, unknown>;
  const expiresAt = new Date(typeof body.expiresAt === 'string' ? body.expiresAt : Number.NaN);
  if (typeof body.tenantName !== 'string' || typeof body.deploymentToken !== 'string' || Number.isNaN(expiresAt.getTime())) {
    throw malformedAdminBody('registration');
  }
  return { kind: 'created', registration: { tenantName: body.tenantName, deploymentToken: body.deploymentToken, expiresAt } };
}

const TOKEN_ERRORS: Record<string, AppError['definition']> = {
  DEPLOYMENT_TOKEN_INVALID: REGISTRATION_ERRORS.deploymentTokenInvalid,
  DEPLOYMENT_TOKEN_USED: REGISTRATION_ERRORS.deploymentTokenUsed,
  DEPLOYMENT_TOKEN_EXPIRED: REGISTRATION_ERRORS.deploymentTokenExpired,
};

/** Starts the deployment that a token allows. Throws the matching page error when admin rejects the token. */
export async function startDeployment(admin: AdminClient, token: string): Promise<{ deploymentId: string; tenantName: string }> {
  const response = await requestAdmin<unknown>(admin, 'POST', '/v1/deployments', { token });
  const code = adminErrorCode(response);
  const tokenError = code === undefined ? undefined : TOKEN_ERRORS[code];
  if (tokenError && (response.status === 400 || response.status === 410)) {
    throw new AppError(tokenError, { detail: `admin rejected the deployment token with ${code}` });
  }
  if (response.status !== 202) throw unexpectedAdminResponse('deployment start', response);

  const body = (response.body ?? {}) as Record<string, unknown>;
  // The id goes into a redirect and later into admin's URL, so it must have admin's form.
  if (typeof body.deploymentId !== 'string' || !isDeploymentIdWellFormed(body.deploymentId) || typeof body.tenantName !== 'string') {
    throw malformedAdminBody('deployment start');
  }
  return { deploymentId: body.deploymentId, tenantName: body.tenantName };
}

function parseSteps(value: unknown): DeploymentStatus['steps'] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    const { step, status } = (entry ?? {}) as { step?: unknown; status?: unknown };
    const knownStep = DEPLOYMENT_STEPS.find((name) => name === step);
    const knownStatus = STEP_STATUSES.find((name) => name === status);
    return knownStep && knownStatus ? [{ step: knownStep, status: knownStatus }] : [];
  });
}

/**
 * Reads a deployment's progress from admin. Only the fields the pages need
 * are kept, and steps or statuses this service does not know are dropped.
 * Throws DEPLOYMENT_PAGE_NOT_FOUND for a malformed id without asking admin.
 */
export async function readDeploymentStatus(admin: AdminClient, id: string): Promise<DeploymentStatus> {
  if (!isDeploymentIdWellFormed(id)) {
    throw new AppError(REGISTRATION_ERRORS.deploymentNotFound, { detail: 'malformed deployment id' });
  }
  const response = await requestAdmin<unknown>(admin, 'GET', `/v1/deployments/${id}`);
  if (response.status === 404) {
    throw new AppError(REGISTRATION_ERRORS.deploymentNotFound, { detail: `admin does not know the deployment (${adminErrorCode(response) ?? 'no code'})` });
  }
  if (response.status !== 200) throw unexpectedAdminResponse('deployment status', response);

  const body = (response.body ?? {}) as Record<string, unknown>;
  if (typeof body.tenantName !== 'string' || typeof body.finished !== 'boolean' || typeof body.failed !== 'boolean') {
    throw malformedAdminBody('deployment status');
  }
  return { deploymentId: id, tenantName: body.tenantName, steps: parseSteps(body.steps), finished: body.finished, failed: body.failed };
}
