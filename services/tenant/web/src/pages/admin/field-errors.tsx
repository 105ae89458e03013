import { ApiError } from '../../api/client';

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

/** Returns the id of the element that shows a field's error, for aria-describedby. */
export function errorId(formId: string, field: string): string {
  return `${formId}-${field}-error`;
}

interface FieldErrorProps {
  formId: string;
  field: string;
  error: unknown;
}

/** Shows the form's error next to `field` when the error is about that field. */
export function FieldError({ formId, field, error }: FieldErrorProps) {
  if (fieldOfError(error) !== field || !(error instanceof Error)) {
    return null;
  }
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <p className="error" id={errorId(formId, field)} role="alert" data-testid={`field-error-${field}`} data-error-code={code}>
      {error.message}
    </p>
  );
}

/** Returns the aria-describedby and aria-invalid props of an input whose field may have an error. */
export function describedBy(formId: string, field: string, error: unknown, hintId?: string) {
  const ids = [hintId, fieldOfError(error) === field ? errorId(formId, field) : undefined].filter((id) => id !== undefined);
  return {
    'aria-describedby': ids.length > 0 ? ids.join(' ') : undefined,
    'aria-invalid': fieldOfError(error) === field ? true : undefined,
  };
}
