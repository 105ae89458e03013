import { AppError } from '@esm/common';
import { MODEL_ERRORS } from './errors.js';

/** Position in a list ordered by (name, id): the last row of the previous page. */
export interface NameCursor {
  name: string;
  id: string;
}

// A UUID in its canonical 8-4-4-4-12 hex form, the only form the cursor ever carries.
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Encodes a cursor as an opaque base64url string for the `after` query parameter. */
export function encodeNameCursor(cursor: NameCursor): string {
  return Buffer.from(JSON.stringify([cursor.name, cursor.id]), 'utf8').toString('base64url');
}

/**
 * Decodes an `after` value, or throws PAGE_CURSOR_INVALID. The id must be a
 * UUID and the name must not contain NUL, because PostgreSQL would reject
 * either in the query.
 */
export function decodeNameCursor(value: string): NameCursor {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2) {
      const [name, id] = decoded as unknown[];
      if (typeof name === 'string' && !name.includes('\0') && typeof id === 'string' && UUID_PATTERN.test(id)) return { name, id };
    }
  } catch {
    // Falls through to the error below: any undecodable cursor is the client's mistake.
  }
  throw new AppError(MODEL_ERRORS.pageCursorInvalid);
}
