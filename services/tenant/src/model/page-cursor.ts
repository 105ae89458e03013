import { AppError } from '@esm/common';
import { MODEL_ERRORS } from './errors.js';

/** Position in a list ordered by (name, id): the last row of the previous page. */
export interface NameCursor {
  name: string;
  id: string;
}

/** Encodes a cursor as an opaque base64url string for the `after` query parameter. */
export function encodeNameCursor(cursor: NameCursor): string {
  return Buffer.from(JSON.stringify([cursor.name, cursor.id]), 'utf8').toString('base64url');
}

/** Decodes an `after` value, or throws PAGE_CURSOR_INVALID. */
export function decodeNameCursor(value: string): NameCursor {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2) {
      const [name, id] = decoded as unknown[];
      if (typeof name === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) return { name, id };
    }
  } catch {
    // Falls through to the error below: any undecodable cursor is the client's mistake.
  }
  throw new AppError(MODEL_ERRORS.pageCursorInvalid);
}
