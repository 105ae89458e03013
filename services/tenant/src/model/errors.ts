import { defineError } from '@esm/common';

/** Error codes of the model routes (objects and relations). */
export const MODEL_ERRORS = {
  objectNotFound: defineError('OBJECT_NOT_FOUND', 404, {
    en: 'The object was not found. It may have been deleted.',
    sv: 'Objektet hittades inte. Det kan ha tagits bort.',
  }),
  relationNotFound: defineError('RELATION_NOT_FOUND', 404, {
    en: 'The relation was not found. It may have been deleted.',
    sv: 'Relationen hittades inte. Den kan ha tagits bort.',
  }),
  /** The source or target object of a new relation does not exist. */
  relationEndpointNotFound: defineError('RELATION_ENDPOINT_NOT_FOUND', 422, {
    en: 'The relation cannot be created because its source or target object was not found.',
    sv: 'Relationen kan inte skapas eftersom dess käll- eller målobjekt inte hittades.',
  }),
  pageCursorInvalid: defineError('PAGE_CURSOR_INVALID', 400, {
    en: 'The page position in the request is not valid. Load the list again from the start.',
    sv: 'Sidpositionen i förfrågan är ogiltig. Läs in listan igen från början.',
  }),
};
