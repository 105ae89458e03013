import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorMessage } from './error-message';

interface RecoveryCodesProps {
  codes: string[];
  /** Called when the user confirms that the codes are saved. The codes cannot be shown again after that. */
  onSaved: () => void;
  /** Heading level, so the panel fits the outline of the page it appears on. */
  headingLevel?: 'h1' | 'h2';
}

/**
 * Shows new recovery codes once, with an instruction to save them, a copy
 * button and a confirmation that they are saved.
 */
export function RecoveryCodes({ codes, onSaved, headingLevel = 'h2' }: RecoveryCodesProps) {
  const { t } = useTranslation();
  const id = useId();
  const list = useRef<HTMLOListElement>(null);
  const [copyStatus, setCopyStatus] = useState<'copied' | 'failed' | null>(null);
  const [saved, setSaved] = useState(false);
  const [missingConfirmation, setMissingConfirmation] = useState(false);
  const Heading = headingLevel;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopyStatus('copied');
    } catch {
      // The clipboard can be blocked by a permission or policy. Selecting the list lets the user copy it by hand.
      const selection = window.getSelection();
      if (list.current !== null && selection !== null) {
        selection.selectAllChildren(list.current);
      }
      setCopyStatus('failed');
    }
  };

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    if (!saved) {
      setMissingConfirmation(true);
      return;
    }
    onSaved();
  };

  return (
    <section className="panel recovery-codes" aria-labelledby={`${id}-heading`} data-testid="recovery-codes">
      <Heading id={`${id}-heading`}>{t('recoveryCodes.title')}</Heading>
      <p>{t('recoveryCodes.instructions', { count: codes.length })}</p>
      <p className="notice">{t('recoveryCodes.onlyOnce')}</p>
      <ol ref={list} className="code-list" data-testid="recovery-code-list">
        {codes.map((code) => (
          <li key={code}>
            <code data-testid="recovery-code">{code}</code>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button type="button" data-testid="recovery-codes-copy" onClick={() => void copy()}>
          {t('recoveryCodes.copy')}
        </button>
        <span role="status" data-testid="recovery-codes-copy-status">
          {copyStatus === 'copied' && t('recoveryCodes.copied')}
          {copyStatus === 'failed' && t('recoveryCodes.copyFailed')}
        </span>
      </div>
      <form onSubmit={confirm} noValidate>
        <div className="field checkbox-field">
          <input
            id={`${id}-saved`}
            type="checkbox"
            data-testid="recovery-codes-saved"
            checked={saved}
            onChange={(event) => {
              setSaved(event.target.checked);
              setMissingConfirmation(false);
            }}
            aria-invalid={missingConfirmation}
          />
          <label htmlFor={`${id}-saved`}>{t('recoveryCodes.savedLabel')}</label>
        </div>
        {missingConfirmation && <ErrorMessage error={t('recoveryCodes.confirmFirst')} testId="recovery-codes-error" />}
        <button type="submit" data-testid="recovery-codes-continue">
          {t('recoveryCodes.continue')}
        </button>
      </form>
    </section>
  );
}
