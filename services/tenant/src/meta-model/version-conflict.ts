import { isDeepStrictEqual } from 'node:util';
import type { ErrorDefinition } from '@esm/common';
import { AppErrorWithDetails } from '../model/error-details.js';
import { localizedName } from './names.js';

/**
 * Throws `definition` (a 409) when a change names another version than the
 * current one. The error carries `current`, the row as it is now, and
 * `differingFields`, the fields of the request whose value differs from the
 * current one: those the user must compare before trying again.
 */
export function checkVersion<T extends { key: string; nameSv: string; nameEn: string; version: number }>(
  definition: ErrorDefinition,
  current: T,
  requested: { version: number } & Record<string, unknown>,
): void {
  if (requested.version === current.version) return;
  const differingFields = Object.keys(requested)
    .filter((field) => field !== 'version')
    .filter((field) => !isDeepStrictEqual(requested[field], (current as Record<string, unknown>)[field]))
    .sort();
  throw new AppErrorWithDetails(
    definition,
    { current, differingFields },
    { values: { type: localizedName(current) }, detail: `${current.key} is at version ${current.version}, the request names ${requested.version}` },
  );
}
