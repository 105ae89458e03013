import { useId, type Ref } from 'react';

interface CodeFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  hint?: string;
  autoFocus?: boolean;
  /** Lets the form move focus back to the field, for example after a wrong code. */
  inputRef?: Ref<HTMLInputElement>;
}

/** Renders an input for a 6-digit code from an authenticator app, an SMS or an e-mail. */
export function CodeField({ label, value, onChange, testId, hint, autoFocus = false, inputRef }: CodeFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={inputRef}
        data-testid={testId}
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        required
        autoFocus={autoFocus}
        value={value}
        // Authenticator apps often show the code as "123 456", so spaces are dropped to make a pasted code work.
        onChange={(event) => onChange(event.target.value.replace(/\s/g, ''))}
        aria-describedby={hint === undefined ? undefined : hintId}
      />
      {hint !== undefined && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}

/** Returns true for exactly six digits. */
export function isSixDigitCode(value: string): boolean {
  return /^[0-9]{6}$/.test(value);
}
