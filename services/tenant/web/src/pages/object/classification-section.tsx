import { useId, useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { apiRequest } from '../../api/client';
import type { ClassificationScale, DimensionClassification, ObjectClassification, PathStep, ScaleDimension } from '../../api/classification';
import { ErrorMessage } from '../../components/error-message';
import { useMetaModel } from '../../hooks/use-meta-model';
import { currentLanguage } from '../../i18n';

interface ClassificationSectionProps {
  classification: ObjectClassification | undefined;
  scale: ClassificationScale | undefined;
  error: unknown;
  canWrite: boolean;
  /** Called after a level was set or removed. */
  onChanged: () => void;
}

/** Returns the dimension's name in the current language, or its key when the scale no longer has it. */
function dimensionName(dimension: ScaleDimension | undefined, key: string): string {
  if (dimension === undefined) {
    return key;
  }
  return currentLanguage() === 'sv' ? dimension.nameSv : dimension.nameEn;
}

/** Looks up a level's name in the current language, falling back to the number for a level the scale no longer has. */
function levelName(dimension: ScaleDimension | undefined, level: number): string {
  const entry = dimension?.levels.find((candidate) => candidate.level === level);
  if (entry === undefined) {
    return String(level);
  }
  return `${level} – ${currentLanguage() === 'sv' ? entry.nameSv : entry.nameEn}`;
}

/**
 * Renders the object's level per dimension of the scale: a level set by hand with its
 * justification, or the inherited level with the path of relations it came
 * along. Writers can set, override or remove a level, always with a justification.
 */
export function ClassificationSection({ classification, scale, error, canWrite, onChanged }: ClassificationSectionProps) {
  const { t } = useTranslation();

  return (
    <section aria-labelledby="classification-heading" data-testid="classification">
      <h2 id="classification-heading">{t('modelObjects.classification.heading')}</h2>
      <ErrorMessage error={error} />
      {classification?.cycle != null && classification.cycle.length > 0 && (
        <p data-testid="classification-cycle">
          {t('modelObjects.classification.cycle', { objects: classification.cycle.map((object) => object.name).join(' → ') })}
        </p>
      )}
      {classification !== undefined && scale !== undefined && (
        <table data-testid="classification-table">
          <thead>
            <tr>
              <th scope="col">{t('modelObjects.classification.dimension')}</th>
              <th scope="col">{t('modelObjects.classification.level')}</th>
              <th scope="col">{t('modelObjects.classification.origin')}</th>
              <th scope="col">{t('modelObjects.classification.explanation')}</th>
            </tr>
          </thead>
          <tbody>
            {classification.dimensions.map((entry) => {
              const dimension = scale.dimensions.find((candidate) => candidate.key === entry.dimension);
              return (
                <tr
                  key={entry.dimension}
                  data-testid={`classification-${entry.dimension}`}
                  data-level={entry.effective?.level ?? ''}
                  data-origin={entry.assigned?.kind ?? entry.effective?.origin ?? ''}
                >
                  <th scope="row">{dimensionName(dimension, entry.dimension)}</th>
                  <td>{entry.effective === null ? t('modelObjects.classification.unclassified') : levelName(dimension, entry.effective.level)}</td>
                  <td>{originText(entry, t)}</td>
                  <td>
                    <Explanation entry={entry} dimension={dimension} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {canWrite && classification !== undefined && scale !== undefined && (
        <LevelForm classification={classification} scale={scale} onChanged={onChanged} />
      )}
    </section>
  );
}

// i18next's TFunction, because ReturnType<typeof useTranslation>['t'] makes tsc fail with TS2589 (excessively deep) once the texts grow.
type Translate = TFunction;

function originText(entry: DimensionClassification, t: Translate): string {
  if (entry.assigned !== null) {
    return entry.assigned.kind === 'own' ? t('modelObjects.classification.own') : t('modelObjects.classification.override');
  }
  return entry.inherited === null ? '' : t('modelObjects.classification.inherited');
}

/** Renders the justification of a level set by hand, and the path of an inherited level as one readable step per relation. */
function Explanation({ entry, dimension }: { entry: DimensionClassification; dimension: ScaleDimension | undefined }) {
  const { t } = useTranslation();
  const { inherited, assigned } = entry;
  return (
    <>
      {assigned !== null && <p data-testid="classification-justification">{t('modelObjects.classification.setBy', { justification: assigned.justification })}</p>}
      {assigned !== null && assigned.kind === 'override' && inherited !== null && (
        <p>{t('modelObjects.classification.overrides', { level: levelName(dimension, inherited.level) })}</p>
      )}
      {assigned === null && inherited !== null && (
        <div data-testid="classification-path">
          <p>
            <Link to={`/objects/${encodeURIComponent(inherited.source.id)}`} data-testid="classification-source">
              {t('modelObjects.classification.inheritedFrom', { source: inherited.source.name })}
            </Link>
          </p>
          <ol>
            {inherited.path.map((step) => (
              <li key={step.relation.id} data-testid="classification-path-step">
                {stepText(step)}
              </li>
            ))}
          </ol>
          {!inherited.complete && <p>{t('modelObjects.classification.pathIncomplete')}</p>}
        </div>
      )}
    </>
  );
}

/** Reads one step from the object that passes the level on: "Customer data is handled in Web portal". */
function stepText(step: PathStep): string {
  const swedish = currentLanguage() === 'sv';
  const { relation } = step;
  // With 'source_to_target' the step runs along the relation, else against it and is read with the reverse name.
  let name: string;
  if (relation.flow === 'source_to_target') {
    name = swedish ? relation.nameSv : relation.nameEn;
  } else {
    name = swedish ? relation.reverseNameSv : relation.reverseNameEn;
  }
  return `${step.from.name} ${name} ${step.to.name}`;
}

interface LevelFormProps {
  classification: ObjectClassification;
  scale: ClassificationScale;
  onChanged: () => void;
}

/** Sets a level for one dimension with PUT, or removes the level set by hand with DELETE; both name the version they replace. */
function LevelForm({ classification, scale, onChanged }: LevelFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const { objectType } = useMetaModel();
  const swedish = currentLanguage() === 'sv';
  const [dimensionKey, setDimensionKey] = useState(scale.dimensions[0]?.key ?? '');
  const dimension = scale.dimensions.find((candidate) => candidate.key === dimensionKey);
  const entry = classification.dimensions.find((candidate) => candidate.dimension === dimensionKey);
  const [level, setLevel] = useState('');
  const [justification, setJustification] = useState('');
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved' | 'removed'>('idle');
  const [error, setError] = useState<unknown>(undefined);
  const isInformation = objectType(classification.object.type)?.role === 'information';
  const chosenDimensionName = dimensionName(dimension, dimensionKey);
  const path = `/api/objects/${encodeURIComponent(classification.object.id)}/classification/${encodeURIComponent(dimensionKey)}`;
  const chosenLevel = level === '' ? String(entry?.assigned?.level ?? dimension?.levels[0]?.level ?? '') : level;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setStatus('saving');
    try {
      await apiRequest<ObjectClassification>(path, {
        method: 'PUT',
        body: { level: Number(chosenLevel), justification: justification.trim(), ...(entry?.assigned ? { version: entry.assigned.version } : {}) },
      });
      setStatus('saved');
      setJustification('');
      onChanged();
    } catch (failure) {
      setStatus('idle');
      setError(failure);
    }
  };

  const remove = async () => {
    if (!entry?.assigned) {
      return;
    }
    setError(undefined);
    setStatus('saving');
    try {
      await apiRequest<ObjectClassification>(`${path}?version=${entry.assigned.version}`, { method: 'DELETE' });
      setStatus('removed');
      onChanged();
    } catch (failure) {
      setStatus('idle');
      setError(failure);
    }
  };

  return (
    <form className="panel" aria-labelledby={`${id}-heading`} onSubmit={(event) => void save(event)} data-testid="classification-form">
      <h3 id={`${id}-heading`}>
        {isInformation ? t('modelObjects.classification.setTitle', { dimension: chosenDimensionName }) : t('modelObjects.classification.overrideTitle', { dimension: chosenDimensionName })}
      </h3>
      <div className="field">
        <label htmlFor={`${id}-dimension`}>{t('modelObjects.classification.dimension')}</label>
        <select
          id={`${id}-dimension`}
          data-testid="classification-dimension"
          value={dimensionKey}
          onChange={(event) => {
            setDimensionKey(event.target.value);
            setLevel('');
            setStatus('idle');
          }}
        >
          {scale.dimensions.map((candidate) => (
            <option key={candidate.key} value={candidate.key}>
              {swedish ? candidate.nameSv : candidate.nameEn}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-level`}>{t('modelObjects.classification.newLevel')}</label>
        <select id={`${id}-level`} data-testid="classification-level" value={chosenLevel} onChange={(event) => setLevel(event.target.value)}>
          {(dimension?.levels ?? []).map((candidate) => (
            <option key={candidate.level} value={candidate.level}>
              {levelName(dimension, candidate.level)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-justification`}>{t('modelObjects.classification.justification')}</label>
        <textarea
          id={`${id}-justification`}
          data-testid="classification-justification-input"
          required
          maxLength={2000}
          rows={2}
          value={justification}
          onChange={(event) => setJustification(event.target.value)}
        />
      </div>
      <button type="submit" data-testid="classification-save" disabled={status === 'saving'}>
        {status === 'saving' ? t('modelObjects.classification.saving') : t('modelObjects.classification.save')}
      </button>{' '}
      {entry?.assigned && (
        <button type="button" data-testid="classification-remove" disabled={status === 'saving'} onClick={() => void remove()}>
          {t('modelObjects.classification.remove')}
        </button>
      )}
      <div aria-live="polite">
        {status === 'saved' && <p className="success">{t('modelObjects.classification.saved')}</p>}
        {status === 'removed' && <p className="success">{t('modelObjects.classification.removed')}</p>}
        <ErrorMessage error={error} testId="classification-error" />
      </div>
    </form>
  );
}
