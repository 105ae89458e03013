import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError, apiRequest } from '../../api/client';
import type { ModelObject, ObjectVersionConflict } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { apiFieldProblem, FormField } from '../../components/form-field';
import { useMetaModel } from '../../hooks/use-meta-model';
import { intlLocale } from '../../i18n';
import { AttributeInput } from './attribute-input';
import { ConflictResolution, type Conflict } from './edit-object-conflict';
import { ATTRIBUTE_FIELD_PREFIX, changesOf, editedFields, fieldValue, formValuesOf, type FormValues } from './edit-object-values';

interface EditObjectFormProps {
  object: ModelObject;
  /** Called with the object after a save, or with the current object when the user drops their changes. */
  onChanged: (object: ModelObject) => void;
}

/**
 * Renders the form that changes an object's name, description and the
 * attributes its type defines with PATCH /api/objects/:id. The request names
 * the version the form was filled from. While the user has not typed, a
 * newer version of the object (from a live notice) replaces the form's
 * values. When someone else saved in between, the server returns 409 and the
 * form shows both values of each field that differs, lets the user choose
 * per field, and saves the choice on top of the current version.
 */
export function EditObjectForm({ object, onChanged }: EditObjectFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const { objectType } = useMetaModel();
  const definitions = objectType(object.type)?.attributes ?? [];
  const locale = intlLocale();
  const [values, setValues] = useState<FormValues>(() => formValuesOf(object, definitions, locale));
  const [edited, setEdited] = useState(false);
  const [version, setVersion] = useState(object.version);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved'>('idle');

  // The definitions arrive with the meta-model, possibly after the object, and numbers are written in the chosen language.
  const definitionsKey = JSON.stringify(definitions);
  useEffect(() => {
    if (!edited && conflict === null && object.version >= version) {
      setValues(formValuesOf(object, definitions, locale));
      setVersion(object.version);
    }
    // `definitions` is a new array on each render, so the effect depends on its JSON text instead, which keeps it from running on every render.
  }, [object, edited, conflict, version, definitionsKey, locale]);

  const change = (field: string, value: string) => {
    setValues((previous) => ({ ...previous, [field]: value }));
    setEdited(true);
    if (status === 'saved') {
      setStatus('idle');
    }
  };

  const send = async (body: FormValues, base: ModelObject) => {
    setError(undefined);
    setStatus('saving');
    try {
      const saved = await apiRequest<ModelObject>(`/api/objects/${encodeURIComponent(object.id)}`, {
        method: 'PATCH',
        body: { version: base.version, ...changesOf(body, base, definitions, locale) },
      });
      setValues(formValuesOf(saved, definitions, locale));
      setVersion(saved.version);
      setEdited(false);
      setConflict(null);
      setStatus('saved');
      onChanged(saved);
    } catch (failure) {
      setStatus('idle');
      if (failure instanceof ApiError && failure.code === 'OBJECT_VERSION_CONFLICT') {
        const details = failure.details as unknown as ObjectVersionConflict;
        const fields = editedFields(definitions);
        const currentValues = formValuesOf(details.current, definitions, locale);
        const differs = (field: string) =>
          JSON.stringify(fieldValue(field, body[field] ?? '', definitions, locale)) !==
          JSON.stringify(fieldValue(field, currentValues[field] ?? '', definitions, locale));
        setConflict({
          message: failure.message,
          current: details.current,
          fields: fields.filter(differs),
          otherFields: details.differingFields.filter((field) => !fields.includes(field)),
        });
      } else {
        setError(failure);
      }
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send(values, { ...object, version });
  };

  const discard = (current: ModelObject) => {
    setValues(formValuesOf(current, definitions, locale));
    setVersion(current.version);
    setEdited(false);
    setConflict(null);
    onChanged(current);
  };

  return (
    <section aria-labelledby={`${id}-heading`} className="panel">
      <h2 id={`${id}-heading`}>{t('object.edit.title')}</h2>
      <form onSubmit={submit}>
        <FormField id={`${id}-name`} label={t('objects.name')} problem={apiFieldProblem(error, 'name')} problemTestId="edit-object-name-error">
          {(control) => (
            <input {...control} data-testid="edit-object-name" required maxLength={500} value={values.name ?? ''} onChange={(event) => change('name', event.target.value)} />
          )}
        </FormField>
        <FormField id={`${id}-description`} label={t('objects.description')} problem={apiFieldProblem(error, 'description')} problemTestId="edit-object-description-error">
          {(control) => (
            <textarea
              {...control}
              data-testid="edit-object-description"
              rows={3}
              maxLength={20000}
              value={values.description ?? ''}
              onChange={(event) => change('description', event.target.value)}
            />
          )}
        </FormField>
        {definitions.map((definition) => {
          const field = `${ATTRIBUTE_FIELD_PREFIX}${definition.key}`;
          return (
            <AttributeInput
              key={definition.key}
              id={`${id}-attribute-${definition.key}`}
              objectType={object.type}
              definition={definition}
              text={values[field] ?? ''}
              onChange={(text) => change(field, text)}
              problem={apiFieldProblem(error, field)}
            />
          );
        })}
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
          definitions={definitions}
          saving={status === 'saving'}
          onSave={(chosen) => void send(chosen, conflict.current)}
          onDiscard={() => discard(conflict.current)}
        />
      )}
    </section>
  );
}
