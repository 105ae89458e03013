import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import type { ClassificationScale, ScaleDimension } from '../../api/classification';
import { apiRequest, hasErrorCode } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useIsAdministrator } from '../../session/session-context';
import { ScaleDimensionFieldset } from './scale-dimension-fieldset';

const SCALE_PATH = '/api/classification/scale';
/** Maximum number of dimensions that the API accepts in one scale. */
const MAX_DIMENSIONS = 20;

/** /admin/classification-scale: the classification dimensions and their levels, for administrators. */
export function ClassificationScalePage() {
  const { t } = useTranslation();
  const isAdministrator = useIsAdministrator();
  const title = t('administration.scale.title');
  return (
    <>
      <title>{`${title} – ${t('app.name')}`}</title>
      <h1>{title}</h1>
      {isAdministrator ? <ScaleEditor /> : <p data-testid="scale-no-access">{t('administration.scale.noAccess')}</p>}
    </>
  );
}

/** A dimension being edited, with a client-side id so that React keeps its fields while the key is typed. */
interface DraftDimension {
  draftId: number;
  isNew: boolean;
  dimension: ScaleDimension;
}

let nextDraftId = 0;

function toDrafts(scale: ClassificationScale): DraftDimension[] {
  return scale.dimensions.map((dimension) => ({ draftId: nextDraftId++, isNew: false, dimension }));
}

function ScaleEditor() {
  const { t } = useTranslation();
  const scale = useApiResource<ClassificationScale>(SCALE_PATH);
  const [version, setVersion] = useState<number | null>(null);
  const [drafts, setDrafts] = useState<DraftDimension[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);

  // Every load of the scale, the first and each reload after a save or a conflict, replaces the draft.
  useEffect(() => {
    if (scale.data !== undefined) {
      setVersion(scale.data.version);
      setDrafts(toDrafts(scale.data));
    }
  }, [scale.data]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (version === null) {
      return;
    }
    setSaving(true);
    setStatus(null);
    setError(undefined);
    try {
      const saved = await apiRequest<ClassificationScale>(SCALE_PATH, {
        method: 'PUT',
        body: { version, dimensions: drafts.map((draft) => draft.dimension) },
      });
      setVersion(saved.version);
      setDrafts(toDrafts(saved));
      setStatus(t('administration.scale.saved'));
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  const addDimension = () => {
    setDrafts((current) => [
      ...current,
      {
        draftId: nextDraftId++,
        isNew: true,
        dimension: {
          key: '',
          nameSv: '',
          nameEn: '',
          abbreviationSv: '',
          abbreviationEn: '',
          levels: [{ level: 0, nameSv: '', nameEn: '', descriptionSv: '', descriptionEn: '' }],
        },
      },
    ]);
  };

  return (
    <>
      <p>{t('administration.scale.intro')}</p>
      <div aria-live="polite">
        {scale.loading && <p>{t('app.loading')}</p>}
        {status !== null && (
          <p className="success" data-testid="scale-status">
            {status}
          </p>
        )}
      </div>
      <ErrorMessage error={scale.error} testId="scale-load-error" />
      {version !== null && (
        <form data-testid="scale-form" onSubmit={(event) => void save(event)}>
          {drafts.map((draft) => (
            <ScaleDimensionFieldset
              key={draft.draftId}
              dimension={draft.dimension}
              isNew={draft.isNew}
              onChange={(dimension) => setDrafts((current) => current.map((item) => (item.draftId === draft.draftId ? { ...item, dimension } : item)))}
              onRemove={() => setDrafts((current) => current.filter((item) => item.draftId !== draft.draftId))}
            />
          ))}
          <ErrorMessage error={error} testId="scale-error" />
          <div className="actions">
            <button type="button" className="secondary" data-testid="scale-dimension-add" disabled={drafts.length >= MAX_DIMENSIONS} onClick={addDimension}>
              {t('administration.scale.addDimension')}
            </button>
            <button type="submit" data-testid="scale-save" disabled={saving || drafts.length === 0}>
              {t('administration.scale.save')}
            </button>
            {hasErrorCode(error, 'CLASSIFICATION_SCALE_VERSION_CONFLICT') && (
              <button
                type="button"
                className="secondary"
                data-testid="scale-reload"
                onClick={() => {
                  setError(undefined);
                  scale.reload();
                }}
              >
                {t('administration.scale.reload')}
              </button>
            )}
          </div>
        </form>
      )}
    </>
  );
}
