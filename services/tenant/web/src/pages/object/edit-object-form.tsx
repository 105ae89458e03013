import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError, apiRequest } from '../../api/client';
import type { ModelObject, ObjectVersionConflict } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';

interface EditObjectFormProps {
  object: ModelObject;
  /** Called with the object after a save, or with the current object when the user drops their changes. */
  onChanged: (object: ModelObject) => void;
}

/**
 * Renders the form that changes an object's name and description with
 * PATCH /api/objects/:id. The request names the version the form was filled
 * from. When someone else saved in between, the server returns 409 and the
 * form shows what they changed, keeping the user's own text until the user
 * decides.
 */
export function EditObjectForm({ object, onChanged }: EditObjectFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState(object.name);
  const [description, setDescription] = useState(object.description ?? '');
  const [version, setVersion] = useState(object.version);
  const [conflict, setConflict] = useState<{ message: string; details: ObjectVersionConflict } | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved' | 'kept'>('idle');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setConflict(null);
    setStatus('saving');
    try {
      const saved = await apiRequest<ModelObject>(`/api/objects/${encodeURIComponent(object.id)}`, {
        method: 'PATCH',
        body: { version, name: name.trim(), description: description.trim() },
      });
      setVersion(saved.version);
      setStatus('saved');
      onChanged(saved);
    } catch (failure) {
      setStatus('idle');
      if (failure instanceof ApiError && failure.code === 'OBJECT_VERSION_CONFLICT') {
        setConflict({ message: failure.message, details: failure.details as unknown as ObjectVersionConflict });
      } else {
        setError(failure);
      }
    }
  };

  // The user's text stays in the form; saving again builds on the current version.
  const keepMine = (current: ModelObject) => {
    setVersion(current.version);
    setConflict(null);
    setStatus('kept');
  };

  const takeCurrent = (current: ModelObject) => {
    setName(current.name);
    setDescription(current.description ?? '');
    setVersion(current.version);
    setConflict(null);
    setStatus('idle');
    onChanged(current);
  };

  return (
    <section aria-labelledby={`${id}-heading`} className="panel">
      <h2 id={`${id}-heading`}>{t('object.edit.title')}</h2>
      <form onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('objects.name')}</label>
          <input id={`${id}-name`} data-testid="edit-object-name" required value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>{t('objects.description')}</label>
          <textarea
            id={`${id}-description`}
            data-testid="edit-object-description"
            rows={3}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        </div>
        <button type="submit" data-testid="edit-object-submit" disabled={status === 'saving'}>
          {status === 'saving' ? t('object.edit.saving') : t('object.edit.save')}
        </button>
      </form>
      <div aria-live="polite">
        {status === 'saved' && <p className="success">{t('object.edit.saved')}</p>}
        {status === 'kept' && <p>{t('object.edit.kept')}</p>}
        {conflict !== null && (
          <ConflictMessage conflict={conflict} onKeepMine={() => keepMine(conflict.details.current)} onTakeCurrent={() => takeCurrent(conflict.details.current)} />
        )}
        <ErrorMessage error={error} testId="edit-object-error" />
      </div>
    </section>
  );
}

interface ConflictMessageProps {
  conflict: { message: string; details: ObjectVersionConflict };
  onKeepMine: () => void;
  onTakeCurrent: () => void;
}

/** Shows the server's conflict message, each field someone else changed with its current value, and the two ways to go on. */
function ConflictMessage({ conflict, onKeepMine, onTakeCurrent }: ConflictMessageProps) {
  const { t } = useTranslation();
  const { current, differingFields } = conflict.details;
  return (
    <div className="error" role="alert" data-testid="edit-object-conflict">
      <p>{conflict.message}</p>
      {differingFields.length > 0 && (
        <>
          <p>{t('object.edit.changedFields')}</p>
          <ul>
            {differingFields.map((field) => (
              <li key={field}>
                {fieldLabel(field, t)}: {formatValue(valueOf(current, field)) || t('object.edit.emptyValue')}
              </li>
            ))}
          </ul>
        </>
      )}
      <button type="button" data-testid="edit-object-keep-mine" onClick={onKeepMine}>
        {t('object.edit.keepMine')}
      </button>{' '}
      <button type="button" data-testid="edit-object-take-current" onClick={onTakeCurrent}>
        {t('object.edit.takeCurrent')}
      </button>
    </div>
  );
}

function fieldLabel(field: string, t: (key: 'objects.name' | 'objects.description' | 'objects.type') => string): string {
  if (field === 'name') return t('objects.name');
  if (field === 'description') return t('objects.description');
  if (field === 'type') return t('objects.type');
  return field.replace(/^attributes\./, '');
}

function valueOf(object: ModelObject, field: string): unknown {
  if (field.startsWith('attributes.')) return object.attributes[field.slice('attributes.'.length)];
  return (object as unknown as Record<string, unknown>)[field];
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
