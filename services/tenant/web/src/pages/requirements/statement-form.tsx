import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../../api/client';
import { STATEMENT_STATUSES, type ObjectGapRequirement } from '../../api/analysis';
import type { StatementStatus } from '../../api/classification';
import { ErrorMessage } from '../../components/error-message';

/** Most pairs POST /api/statements/bulk accepts in one request. */
const MAX_BULK_ITEMS = 1000;

interface StatementFormProps {
  objectId: string;
  /** The requirements the statement is set for; one is sent with PUT, several in one bulk request. */
  chosen: ObjectGapRequirement[];
  /**
   * Called after a successful save. The caller must clear its selection, so
   * that the next save cannot overwrite these statements unless the user
   * chooses their requirements again.
   */
  onSaved: () => void;
}

/** Sets one status with its reason, comment, responsible and date on the chosen requirements of one object. */
export function StatementForm({ objectId, chosen, onSaved }: StatementFormProps) {
  const { t } = useTranslation();
  const formId = useId();
  const [status, setStatus] = useState<StatementStatus>('fulfilled');
  const [reason, setReason] = useState('');
  const [comment, setComment] = useState('');
  const [responsible, setResponsible] = useState('');
  const [decidedOn, setDecidedOn] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [problem, setProblem] = useState<string | null>(null);
  const [reasonMissing, setReasonMissing] = useState(false);
  const [saved, setSaved] = useState<number | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    setError(undefined);
    const missingReason = status === 'not_applicable' && reason.trim() === '';
    setReasonMissing(missingReason);
    if (chosen.length === 0) {
      setProblem(t('analysis.statements.noneChosen'));
      return;
    }
    if (chosen.length > MAX_BULK_ITEMS) {
      setProblem(t('analysis.statements.tooMany', { max: MAX_BULK_ITEMS, count: chosen.length }));
      return;
    }
    if (missingReason) {
      setProblem(t('analysis.statements.reasonMissing'));
      return;
    }
    setProblem(null);
    const details = {
      status,
      ...(reason.trim() === '' ? {} : { reason }),
      ...(comment.trim() === '' ? {} : { comment }),
      ...(responsible.trim() === '' ? {} : { responsible }),
      ...(decidedOn === '' ? {} : { decidedOn }),
    };
    setSaving(true);
    try {
      const [only] = chosen;
      if (chosen.length === 1 && only !== undefined) {
        await apiRequest(`/api/objects/${encodeURIComponent(objectId)}/statements/${encodeURIComponent(only.id)}`, {
          method: 'PUT',
          body: { ...details, ...(only.version === null ? {} : { version: only.version }) },
        });
      } else {
        await apiRequest('/api/statements/bulk', {
          method: 'POST',
          body: {
            ...details,
            items: chosen.map((requirement) => ({ objectId, requirementId: requirement.id, ...(requirement.version === null ? {} : { version: requirement.version }) })),
          },
        });
      }
      setSaved(chosen.length);
      // The fields go back to their defaults so that the next round starts from an empty form.
      setStatus('fulfilled');
      setReason('');
      setComment('');
      setResponsible('');
      setDecidedOn('');
      onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="panel statement-form" onSubmit={(event) => void submit(event)} noValidate data-testid="statement-form">
      <h2 id={`${formId}-heading`}>{t('analysis.statements.formTitle', { count: chosen.length })}</h2>
      <p className="hint">{t('analysis.statements.formHint')}</p>
      <div className="field">
        <label htmlFor={`${formId}-status`}>{t('analysis.gap.status')}</label>
        <select id={`${formId}-status`} data-testid="statement-status" value={status} onChange={(event) => setStatus(event.target.value as StatementStatus)}>
          {STATEMENT_STATUSES.map((value) => (
            <option key={value} value={value}>
              {t(`analysis.status.${value}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${formId}-reason`}>{t('analysis.statements.reason')}</label>
        <textarea
          id={`${formId}-reason`}
          data-testid="statement-reason"
          maxLength={5000}
          required={status === 'not_applicable'}
          aria-invalid={reasonMissing}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${formId}-comment`}>{t('analysis.statements.comment')}</label>
        <textarea id={`${formId}-comment`} data-testid="statement-comment" maxLength={20000} value={comment} onChange={(event) => setComment(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${formId}-responsible`}>{t('analysis.statements.responsible')}</label>
        <input
          id={`${formId}-responsible`}
          data-testid="statement-responsible"
          maxLength={500}
          value={responsible}
          onChange={(event) => setResponsible(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${formId}-date`}>{t('analysis.statements.decidedOn')}</label>
        <input id={`${formId}-date`} type="date" data-testid="statement-date" value={decidedOn} onChange={(event) => setDecidedOn(event.target.value)} />
      </div>
      <div className="actions">
        <button type="submit" data-testid="statement-submit" disabled={saving}>
          {saving ? t('analysis.statements.saving') : t('analysis.statements.save', { count: chosen.length })}
        </button>
      </div>
      <div aria-live="polite">
        {problem !== null && (
          <p className="error" role="alert" data-testid="statement-problem">
            {problem}
          </p>
        )}
        <ErrorMessage error={error} testId="statement-error" />
        {saved !== null && (
          <p className="success" data-testid="statement-saved">
            {t('analysis.statements.saved', { count: saved })}
          </p>
        )}
      </div>
    </form>
  );
}
