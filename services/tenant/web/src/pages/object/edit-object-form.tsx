import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError, apiRequest } from '../../api/client';
import type { ModelObject, ObjectVersionConflict } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { useMetaModel } from '../../hooks/use-meta-model';

interface EditObjectFormProps {
  object: ModelObject;
  /** Called with the object after a save, or with the current object when the user drops their changes. */
  onChanged: (object: ModelObject) => void;
}

/** The fields this form edits, as `differingFields` names them. */
const EDITED_FIELDS = ['name', 'description'] as const;
type EditedField = (typeof EDITED_FIELDS)[number];
type Values = Record<EditedField, string>;

function valuesOf(object: ModelObject): Values {
  return { name: object.name, description: object.description ?? '' };
}

interface Conflict {
  message: string;
  current: ModelObject;
  /** The fields where the user's value and the current value differ, which the user chooses between. */
  fields: EditedField[];
  /** Fields someone else changed that this form does not edit; the save keeps their current values. */
  otherFields: string[];
}

/**
 * Renders the form that changes an object's name and description with
 * PATCH /api/objects/:id. The request names the version the form was filled
 * from. While the user has not typed, a newer version of the object (from a
 * live notice) replaces the form's values. When someone else saved in
 * between, the server returns 409 and the form shows both values of each
 * field that differs, lets the user choose per field, and saves the choice
 * on top of the current version.
 */
export function EditObjectForm({ object, onChanged }: EditObjectFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const [values, setValues] = useState<Values>(() => valuesOf(object));
  const [edited, setEdited] = useState(false);
  const [version, setVersion] = useState(object.version);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved'>('idle');

  useEffect(() => {
    if (!edited && conflict === null && object.version > version) {
      setValues(valuesOf(object));
      setVersion(object.version);
    }
  }, [object, edited, conflict, version]);

  const change = (field: EditedField, value: string) => {
    setValues((previous) => ({ ...previous, [field]: value }));
    setEdited(true);
    if (status === 'saved') {
      setStatus('idle');
    }
  };

  const send = async (body: Values, baseVersion: number) => {
    setError(undefined);
    setStatus('saving');
    try {
      const saved = await apiRequest<ModelObject>(`/api/objects/${encodeURIComponent(object.id)}`, {
        method: 'PATCH',
        body: { version: baseVersion, name: body.name.trim(), description: body.description.trim() },
      });
      setValues(valuesOf(saved));
      setVersion(saved.version);
      setEdited(false);
      setConflict(null);
      setStatus('saved');
      onChanged(saved);
    } catch (failure) {
      setStatus('idle');
      if (failure instanceof ApiError && failure.code === 'OBJECT_VERSION_CONFLICT') {
        const details = failure.details as unknown as ObjectVersionConflict;
        const currentValues = valuesOf(details.current);
        setConflict({
          message: failure.message,
          current: details.current,
          fields: EDITED_FIELDS.filter((field) => body[field].trim() !== currentValues[field]),
          otherFields: details.differingFields.filter((field) => !(EDITED_FIELDS as readonly string[]).includes(field)),
        });
      } else {
        setError(failure);
      }
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send(values, version);
  };

  const discard = (current: ModelObject) => {
    setValues(valuesOf(current));
    setVersion(current.version);
    setEdited(false);
    setConflict(null);
    onChanged(current);
  };

  return (
    <section aria-labelledby={`${id}-heading`} className="panel">
      <h2 id={`${id}-heading`}>{t('object.edit.title')}</h2>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('objects.name')}</label>
          <input id={`${id}-name`} data-testid="edit-object-name" required maxLength={500} value={values.name} onChange={(event) => change('name', event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>{t('objects.description')}</label>
          <textarea
            id={`${id}-description`}
            data-testid="edit-object-description"
            rows={3}
            maxLength={20000}
            value={values.description}
            onChange={(event) => change('description', event.target.value)}
          />
        </div>
        <button type="submit" data-testid="edit-object-submit" disabled={status === 'saving' || conflict !== null}>
          {status === 'saving' ? t('object.edit.saving') : t('object.edit.save')}
        </button>
      </form>
      <div aria-live="polite">
        {status === 'saved' && <p className="success">{t('object.edit.saved')}</p>}
        <ErrorMessage error={error} testId="edit-object-error" />
      </div>
      {conflict !== null && (
        <ConflictResolution
          conflict={conflict}
          mine={values}
          saving={status === 'saving'}
          onSave={(chosen) => void send(chosen, conflict.current.version)}
          onDiscard={() => discard(conflict.current)}
        />
      )}
    </section>
  );
}

interface ConflictResolutionProps {
  conflict: Conflict;
  mine: Values;
  saving: boolean;
  onSave: (chosen: Values) => void;
  onDiscard: () => void;
}

/** Shows the user's and the current value of each differing field side by side, with a choice per field, and saves the chosen values. */
function ConflictResolution({ conflict, mine, saving, onSave, onDiscard }: ConflictResolutionProps) {
  const { t } = useTranslation();
  const id = useId();
  const { attributeName } = useMetaModel();
  const current = valuesOf(conflict.current);
  const [choices, setChoices] = useState<Record<EditedField, 'mine' | 'theirs'>>({ name: 'mine', description: 'mine' });
  const label = (field: EditedField) => (field === 'name' ? t('objects.name') : t('objects.description'));
  const otherFieldName = (field: string) => {
    if (field.startsWith('attributes.')) {
      return attributeName(conflict.current.type, field.slice('attributes.'.length));
    }
    return field === 'type' ? t('objects.type') : field;
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    const chosen: Values = { ...current };
    for (const field of conflict.fields) {
      chosen[field] = choices[field] === 'mine' ? mine[field] : current[field];
    }
    onSave(chosen);
  };

  return (
    <form className="error conflict" role="alert" aria-labelledby={`${id}-heading`} onSubmit={save} data-testid="edit-object-conflict">
      <h3 id={`${id}-heading`}>{t('modelObjects.conflict.title')}</h3>
      <p>{conflict.message}</p>
      {conflict.fields.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('modelObjects.conflict.field')}</th>
              <th scope="col">{t('modelObjects.conflict.mine')}</th>
              <th scope="col">{t('modelObjects.conflict.theirs')}</th>
            </tr>
          </thead>
          <tbody>
            {conflict.fields.map((field) => (
              <tr key={field} data-testid={`conflict-field-${field}`}>
                <th scope="row">{label(field)}</th>
                {(['mine', 'theirs'] as const).map((side) => (
                  <td key={side}>
                    <label className="conflict-choice">
                      <input
                        type="radio"
                        name={`${id}-${field}`}
                        data-testid={`conflict-${field}-${side}`}
                        checked={choices[field] === side}
                        onChange={() => setChoices((previous) => ({ ...previous, [field]: side }))}
                        aria-label={`${t('modelObjects.conflict.keep')} ${side === 'mine' ? t('modelObjects.conflict.mine') : t('modelObjects.conflict.theirs')}: ${label(field)}`}
                      />{' '}
                      <span className="description" data-testid={`conflict-${field}-${side}-value`}>
                        {(side === 'mine' ? mine[field] : current[field]) || t('object.edit.emptyValue')}
                      </span>
                    </label>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {conflict.otherFields.length > 0 && <p>{t('modelObjects.conflict.otherFields', { fields: conflict.otherFields.map(otherFieldName).join(', ') })}</p>}
      <button type="submit" data-testid="conflict-save" disabled={saving}>
        {t('modelObjects.conflict.saveChoice')}
      </button>{' '}
      <button type="button" data-testid="conflict-discard" onClick={onDiscard}>
        {t('modelObjects.conflict.dismiss')}
      </button>
    </form>
  );
}
