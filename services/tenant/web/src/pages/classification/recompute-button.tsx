import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../../api/client';
import type { ObjectSummary } from '../../api/classification';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { useFormat } from '../../hooks/use-format';

/** POST /api/classification/recompute: the number of inherited levels that changed and the cycles of the flow graph. */
export interface RecomputeResult {
  changes: number;
  cycles: { objects: ObjectSummary[] }[];
}

interface RecomputeButtonProps {
  /** Runs after a successful recomputation, for example to load the cycles again. */
  onRecomputed: (result: RecomputeResult) => void;
}

/**
 * Recomputes every inherited level after the administrator confirms, and
 * then shows how many levels changed and how many cycles were found. The
 * route returns only when it has finished, so a status line shows that it
 * is running until then.
 */
export function RecomputeButton({ onRecomputed }: RecomputeButtonProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const [confirming, setConfirming] = useState(false);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<RecomputeResult | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const recompute = async () => {
    setRunning(true);
    setResult(null);
    setError(undefined);
    try {
      const outcome = await apiRequest<RecomputeResult>('/api/classification/recompute', { method: 'POST' });
      setResult(outcome);
      onRecomputed(outcome);
    } catch (failure) {
      setError(failure);
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="recompute" data-testid="recompute">
      <p className="hint">{t('classificationAdmin.recomputeHint')}</p>
      {/* aria-disabled rather than disabled keeps keyboard focus on the button while the recomputation runs. */}
      <button
        type="button"
        data-testid="recompute-button"
        aria-disabled={running}
        onClick={() => {
          if (!running) {
            setConfirming(true);
          }
        }}
      >
        {t('classificationAdmin.recompute')}
      </button>
      <div aria-live="polite">
        {running && (
          <p className="notice" data-testid="recompute-running">
            {t('classificationAdmin.running')}
          </p>
        )}
        {result !== null && (
          <p className="success" data-testid="recompute-result" data-changes={result.changes} data-cycles={result.cycles.length}>
            {t('classificationAdmin.result', { changes: format.number(result.changes), cycles: format.number(result.cycles.length) })}
          </p>
        )}
      </div>
      <ErrorMessage error={error} testId="recompute-error" />
      {confirming && (
        <ConfirmDialog
          title={t('classificationAdmin.confirmTitle')}
          text={t('classificationAdmin.confirmText')}
          confirmLabel={t('classificationAdmin.confirm')}
          onConfirm={async () => {
            // The dialog closes at once, and the status line below the button shows the progress and the outcome.
            void recompute();
          }}
          onClose={() => setConfirming(false)}
        />
      )}
    </div>
  );
}
