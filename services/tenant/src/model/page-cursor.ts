import { AppError } from '@esm/common';
import { MODEL_ERRORS } from './errors.js';

/**
 * Position in a sorted list: the last row of the previous page, given by the
 * sort it was taken under, that row's sort key values and its id. The id
 * breaks ties, so the position is exact even when sort keys repeat.
 */
export interface PageCursor {
  sort: string;
  keys: string[];
  id: string;
}

/** The format of a sort key value in a cursor: any text, or a decimal integer such as microseconds since 1970. */
export type CursorKeyFormat = 'text' | 'integer';

// A UUID in its canonical 8-4-4-4-12 hex form, the only form the cursor ever carries.
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER_PATTERN = /^-?[0-9]{1,19}$/;

/** Encodes a cursor as an opaque base64url string for the `after` query parameter. */
export function encodePageCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, ...cursor.keys, cursor.id]), 'utf8').toString('base64url');
}

/**
 * Decodes an `after` value taken under `sort`, or throws PAGE_CURSOR_INVALID.
 * A cursor of another sort is rejected, because its keys would mean something
 * else. Text keys must not contain NUL and the id must be a UUID, because
 * PostgreSQL would reject either in the query.
 */
export function decodePageCursor(value: string, sort: string, keyFormats: readonly CursorKeyFormat[]): PageCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw new AppError(MODEL_ERRORS.pageCursorInvalid, { detail: 'cursor is not base64url JSON' });
  }
  if (!Array.isArray(decoded) || decoded.length !== keyFormats.length + 2 || decoded[0] !== sort) {
    throw new AppError(MODEL_ERRORS.pageCursorInvalid, { detail: `cursor does not belong to sort ${sort}` });
  }
  const keys = decoded.slice(1, -1) as unknown[];
  const id = decoded.at(-1) as unknown;
  const keysValid = keys.every((key, index) => isValidKey(key, keyFormats[index]!));
  if (!keysValid || typeof id !== 'string' || !UUID_PATTERN.test(id)) {
    throw new AppError(MODEL_ERRORS.pageCursorInvalid, { detail: 'cursor key or id is malformed' });
  }
  return { sort, keys: keys as string[], id };
}

function isValidKey(key: unknown, format: CursorKeyFormat): boolean {
  if (typeof key !== 'string') return false;
  return format === 'integer' ? INTEGER_PATTERN.test(key) : !key.includes('\0');
}
