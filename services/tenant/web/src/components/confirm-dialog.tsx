import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorMessage } from './error-message';

interface ConfirmDialogProps {
  title: string;
  text: string;
  confirmLabel: string;
  /** Runs the action. A rejection keeps the dialog open and shows the error. */
  onConfirm: () => Promise<void>;
  /** Closes the dialog, after a successful action or when the user cancels. */
  onClose: () => void;
  /** Fields the action needs, such as the current password, shown below the text. */
  children?: ReactNode;
}

/**
 * Asks the user to confirm an action that cannot be undone. A modal
 * <dialog> keeps keyboard focus inside and closes with Escape. Focus starts
 * on Cancel, so pressing Enter by habit does not run the action.
 */
export function ConfirmDialog({ title, text, confirmLabel, onConfirm, onClose, children }: ConfirmDialogProps) {
  const { t } = useTranslation();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [working, setWorking] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    element?.showModal();
    cancelButton.current?.focus();
    return () => {
      element?.close();
      // React removes the dialog before this cleanup runs, so the browser cannot restore focus itself. A
      // button that left the page with a reloaded row hands focus to the main element instead.
      const target = opener?.isConnected ? opener : document.getElementById('main');
      target?.focus();
    };
  }, []);

  const confirm = async () => {
    setError(undefined);
    setWorking(true);
    try {
      await onConfirm();
      onClose();
    } catch (failure) {
      setError(failure);
      setWorking(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      data-testid="confirm-dialog"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <p id={`${id}-text`}>{text}</p>
      {children}
      <ErrorMessage error={error} testId="confirm-error" />
      <div className="actions">
        <button type="button" data-testid="confirm-accept" disabled={working} onClick={() => void confirm()}>
          {confirmLabel}
        </button>
        <button type="button" ref={cancelButton} className="secondary" data-testid="confirm-cancel" onClick={onClose}>
          {t('confirm.cancel')}
        </button>
      </div>
    </dialog>
  );
}
