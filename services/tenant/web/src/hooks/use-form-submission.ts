import { useState, type FormEvent } from 'react';

export interface FormSubmission {
  /** The failure of the last submission, or undefined while none failed. */
  error: unknown;
  /** True while a submission runs, to disable the submit button. */
  working: boolean;
  /** The form's onSubmit handler. */
  submit: (event: FormEvent) => Promise<void>;
}

/**
 * Runs `action` when the form is submitted, instead of the browser's
 * submission, and keeps its failure for the form to show. A new submission
 * clears the last failure. `onFailure` gets each failure after it is kept,
 * such as to reload after a version conflict.
 */
export function useFormSubmission(action: () => Promise<void>, onFailure?: (failure: unknown) => void): FormSubmission {
  const [error, setError] = useState<unknown>(undefined);
  const [working, setWorking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setWorking(true);
    try {
      await action();
    } catch (failure) {
      setError(failure);
      onFailure?.(failure);
    } finally {
      setWorking(false);
    }
  };

  return { error, working, submit };
}
