import { isDeepStrictEqual } from 'node:util';
import type { ErrorDefinition } from '@esm/common';
import { AppErrorWithDetails } from '../model/error-details.js';

/**
 * Builds the 409 error of a change based on a version that is no longer the
 * current one, or of a new statement that already exists. The response
 * carries `current`, the row as it is now (null when it no longer exists),
 * and `differingFields`, the fields of the request whose value differs from
 * the current one: those the user must compare before trying again.
 */
export function versionConflict(
  definition: ErrorDefinition,
  current: Record<string, unknown> | null,
  requested: Record<string, unknown>,
): AppErrorWithDetails {
  const differingFields = Object.keys(requested)
    .filter((field) => field !== 'version')
    .filter((field) => current === null || !isDeepStrictEqual(requested[field] ?? null, current[field] ?? null))
    .sort();
  return new AppErrorWithDetails(definition, { current, differingFields }, { detail: `stale version ${String(requested.version)}` });
}
