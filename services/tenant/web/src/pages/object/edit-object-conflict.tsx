import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import type { AttributeDefinition } from '../../api/meta-model';
import type { ModelObject } from '../../api/types';
import { useMetaModel } from '../../hooks/use-meta-model';
import { intlLocale } from '../../i18n';
import { ReferenceName } from './attribute-input-reference';
import { textToAttribute } from './attribute-input-values';
import { AttributeValue } from './attribute-list';
import { ATTRIBUTE_FIELD_PREFIX, formValuesOf, type FormValues } from './edit-object-values';

/** A 409 OBJECT_VERSION_CONFLICT as the form shows it. */
export interface Conflict {
  message: string;
  current: ModelObject;
  /** The fields where the user's value and the current value differ, which the user chooses between. */
  fields: string[];
  /** Fields someone else changed that this form does not edit; the save keeps their current values. */
  otherFields: string[];
}

interface ConflictResolutionProps {
  conflict: Conflict;
  mine: FormValues;
  definitions: AttributeDefinition[];
  saving: boolean;
  onSave: (chosen: FormValues) => void;
  onDiscard: () => void;
}

/** Shows the user's and the current value of each differing field side by side, with a choice per field, and saves the chosen values. */
export function ConflictResolution({ conflict, mine, definitions, saving, onSave, onDiscard }: ConflictResolutionProps) {
  const { t } = useTranslation();
  const id = useId();
  const { attributeName } = useMetaModel();
  const locale = intlLocale();
  const current = formValuesOf(conflict.current, definitions, locale);
  const [choices, setChoices] = useState<Record<string, 'mine' | 'theirs'>>({});
  const choiceOf = (field: string) => choices[field] ?? 'mine';
  const label = (field: string) => {
    if (field.startsWith(ATTRIBUTE_FIELD_PREFIX)) {
      return attributeName(conflict.current.type, field.slice(ATTRIBUTE_FIELD_PREFIX.length));
    }
    const labels: Record<string, string> = { name: t('objects.name'), description: t('objects.description'), type: t('objects.type') };
    return labels[field] ?? field;
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    const chosen: FormValues = { ...current };
    for (const field of conflict.fields) {
      chosen[field] = choiceOf(field) === 'mine' ? (mine[field] ?? '') : (current[field] ?? '');
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
                        checked={choiceOf(field) === side}
                        onChange={() => setChoices((previous) => ({ ...previous, [field]: side }))}
                        aria-label={`${t('modelObjects.conflict.keep')} ${side === 'mine' ? t('modelObjects.conflict.mine') : t('modelObjects.conflict.theirs')}: ${label(field)}`}
                      />{' '}
                      <span className="description" data-testid={`conflict-${field}-${side}-value`}>
                        <FieldValue
                          objectType={conflict.current.type}
                          field={field}
                          text={side === 'mine' ? (mine[field] ?? '') : (current[field] ?? '')}
                          definitions={definitions}
                        />
                      </span>
                    </label>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {conflict.otherFields.length > 0 && <p>{t('modelObjects.conflict.otherFields', { fields: conflict.otherFields.map(label).join(', ') })}</p>}
      <button type="submit" data-testid="conflict-save" disabled={saving}>
        {t('modelObjects.conflict.saveChoice')}
      </button>{' '}
      <button type="button" data-testid="conflict-discard" onClick={onDiscard}>
        {t('modelObjects.conflict.dismiss')}
      </button>
    </form>
  );
}

interface FieldValueProps {
  objectType: string;
  field: string;
  /** The field's text in the form. */
  text: string;
  definitions: AttributeDefinition[];
}

/** Shows a field's value as the object page does: choice labels, yes or no, dates and numbers for the locale, referenced objects by name. */
function FieldValue({ objectType, field, text, definitions }: FieldValueProps) {
  const { t } = useTranslation();
  const definition = definitions.find((candidate) => `${ATTRIBUTE_FIELD_PREFIX}${candidate.key}` === field);
  const value = definition === undefined ? text.trim() : textToAttribute(definition, text, intlLocale());
  if (value === undefined || value === '') {
    return <>{t('object.edit.emptyValue')}</>;
  }
  if (definition === undefined) {
    return <>{value}</>;
  }
  // A link inside the radio button's label would take the click meant for the choice, so a reference shows its name only.
  if (definition.kind === 'reference' && typeof value === 'string') {
    return <ReferenceName id={value} />;
  }
  return <AttributeValue objectType={objectType} definition={definition} value={value} />;
}
