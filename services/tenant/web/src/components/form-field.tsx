import type { ReactNode } from 'react';

import { ApiError } from '../api/client';

/** A message shown under a field: the API's message for the field, or one the client wrote. */
export interface FieldMessage {
  message: string;
  /** The error code, shown to tests as data-error-code. */
  code?: string;
}

/** The accessibility props that a field's control must carry so that screen readers read its hint and error with it. */
export interface ControlProps {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
  'aria-required': true | undefined;
}

interface FormFieldProps {
  /** The id of the control; the hint and the error get ids derived from it. */
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  /** The id of another element that describes the control, such as a hint shared by several fields. */
  describedBy?: string;
  problem?: FieldMessage | null;
  /** The data-testid of the error message. */
  problemTestId?: string;
  /** A text such as "(required)": shown after the label, and the control is marked aria-required. */
  requiredMark?: string;
  /** Renders the control with the given props spread on it. */
  children: (props: ControlProps) => ReactNode;
}

/** Returns the API's message for one field of a failed request, such as `attributes.owner` of a 422, or undefined when the field has none. */
export function apiFieldProblem(error: unknown, field: string): FieldMessage | undefined {
  const problem = error instanceof ApiError ? error.fields.find((candidate) => candidate.field === field) : undefined;
  return problem === undefined ? undefined : { message: problem.message ?? problem.code, code: problem.code };
}

/**
 * Renders one labelled form field: the label, the control, a hint and the
 * field's error. The control is described by the hint and the error, and is
 * aria-invalid while there is an error.
 */
export function FormField({ id, label, hint, describedBy: sharedDescriptionId, problem, problemTestId, requiredMark, children }: FormFieldProps) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const errorId = problem ? `${id}-error` : undefined;
  const describedBy = [sharedDescriptionId, hintId, errorId].filter((part) => part !== undefined).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {requiredMark !== undefined && <span className="required-mark"> {requiredMark}</span>}
      </label>
      {children({
        id,
        'aria-describedby': describedBy === '' ? undefined : describedBy,
        'aria-invalid': problem ? true : undefined,
        'aria-required': requiredMark !== undefined ? true : undefined,
      })}
      {hint !== undefined && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {problem && (
        <p className="error" id={errorId} role="alert" data-testid={problemTestId} data-error-code={problem.code}>
          {problem.message}
        </p>
      )}
    </div>
  );
}
