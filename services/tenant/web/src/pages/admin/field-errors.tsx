import { ApiError } from '../../api/client';
import type { FieldMessage } from '../../components/form-field';

/** The form field each meta-model error code is about; codes not listed here are shown above the form's buttons. */
const FIELD_OF_CODE: Record<string, string> = {
  OBJECT_TYPE_EXISTS: 'key',
  ATTRIBUTE_EXISTS: 'key',
  RELATION_TYPE_EXISTS: 'key',
  ATTRIBUTE_CHOICES_INVALID: 'choices',
  ATTRIBUTE_REFERENCE_TYPE_INVALID: 'referenceType',
  RELATION_TYPE_ENDS_INVALID: 'sourceTypes',
};

/** Returns the field that a failed request's error belongs to, or null for an error of the whole form. */
export function fieldOfError(error: unknown): string | null {
  return error instanceof ApiError ? (FIELD_OF_CODE[error.code] ?? null) : null;
}

/** Returns the form's error as the message of `field` when the error is about that field, for FormField's `problem`. */
export function fieldProblem(error: unknown, field: string): FieldMessage | undefined {
  if (fieldOfError(error) !== field || !(error instanceof Error)) {
    return undefined;
  }
  return { message: error.message, code: error instanceof ApiError ? error.code : undefined };
}
