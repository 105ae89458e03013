import { AppError, isTenantNameWellFormed } from '@esm/common';
import { ADMIN_ERRORS } from '../errors.js';

/** The `:name` path parameter of tenant routes. */
export interface TenantParams {
  name: string;
}

/** Returns the name when it is well formed; a malformed name cannot exist, so it is TENANT_NOT_FOUND. */
export function tenantNameParam(params: TenantParams): string {
  if (!isTenantNameWellFormed(params.name)) {
    throw new AppError(ADMIN_ERRORS.tenantNotFound, { values: { tenant: params.name.slice(0, 40) } });
  }
  return params.name;
}
