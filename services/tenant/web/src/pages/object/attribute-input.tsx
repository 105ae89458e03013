import { useTranslation } from 'react-i18next';

import type { AttributeDefinition } from '../../api/meta-model';
import { FormField, type FieldMessage } from '../../components/form-field';
import { useMetaModel } from '../../hooks/use-meta-model';
import { ReferenceInput } from './attribute-input-reference';

interface AttributeInputProps {
  /** The id of the control. */
  id: string;
  objectType: string;
  definition: AttributeDefinition;
  /** The control's text, as attributeToText writes it. */
  text: string;
  onChange: (text: string) => void;
  problem?: FieldMessage | null;
}

/**
 * Renders the control for one attribute by its kind. The kinds are a text
 * field, a text area, a number field that takes the user's decimal
 * separator, a date field, a list of choices, a yes/no list, or an object
 * picker for a reference. Required attributes are marked, and the API's
 * field error is shown under the control.
 */
export function AttributeInput({ id, objectType, definition, text, onChange, problem }: AttributeInputProps) {
  const { t } = useTranslation();
  const { attributeName, choiceLabel } = useMetaModel();
  const label = attributeName(objectType, definition.key);
  const testId = `attribute-input-${definition.key}`;
  const field = {
    id,
    label,
    problem,
    problemTestId: `attribute-error-${definition.key}`,
    requiredMark: definition.required ? t('modelObjects.form.required') : undefined,
  };

  if (definition.kind === 'reference') {
    return <ReferenceInput {...field} testId={testId} referenceType={definition.referenceType} value={text} onChange={onChange} />;
  }
  return (
    <FormField {...field} hint={definition.kind === 'number' ? t('modelObjects.form.numberHint') : undefined}>
      {(control) => {
        switch (definition.kind) {
          case 'long_text':
            return <textarea {...control} data-testid={testId} rows={3} maxLength={20000} value={text} onChange={(event) => onChange(event.target.value)} />;
          case 'number':
            return <input {...control} data-testid={testId} inputMode="decimal" maxLength={100} value={text} onChange={(event) => onChange(event.target.value)} />;
          case 'date':
            return <input {...control} data-testid={testId} type="date" value={text} onChange={(event) => onChange(event.target.value)} />;
          case 'choice':
            return (
              <select {...control} data-testid={testId} value={text} onChange={(event) => onChange(event.target.value)}>
                <option value="">{t('modelObjects.form.noValue')}</option>
                {definition.choices.map((choice) => (
                  <option key={choice.key} value={choice.key}>
                    {choiceLabel(objectType, definition.key, choice.key)}
                  </option>
                ))}
              </select>
            );
          case 'boolean':
            return (
              <select {...control} data-testid={testId} value={text} onChange={(event) => onChange(event.target.value)}>
                <option value="">{t('modelObjects.form.noValue')}</option>
                <option value="true">{t('modelObjects.attributes.yes')}</option>
                <option value="false">{t('modelObjects.attributes.no')}</option>
              </select>
            );
          default:
            return <input {...control} data-testid={testId} maxLength={2000} value={text} onChange={(event) => onChange(event.target.value)} />;
        }
      }}
    </FormField>
  );
}
