import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import {
  ATTRIBUTE_KINDS,
  createAttribute,
  updateAttribute,
  type AttributeChoice,
  type AttributeDefinition,
  type AttributeKind,
  type ObjectTypeDefinition,
} from '../../api/meta-model';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { fieldOfError, fieldProblem } from './field-errors';
import { localName } from './local-name';

/** Result of reading the choices text area: the choices, or the 1-based line that is not `key;sv;en`. */
type ParsedChoices = { choices: AttributeChoice[] } | { invalidLine: number };

function parseChoices(text: string): ParsedChoices {
  const lines = text.split('\n').map((line) => line.trim());
  const choices: AttributeChoice[] = [];
  for (const [index, line] of lines.entries()) {
    if (line === '') {
      continue;
    }
    const [key, sv, en, ...rest] = line.split(';').map((part) => part.trim());
    if (key === undefined || key === '' || sv === undefined || sv === '' || en === undefined || en === '' || rest.length > 0) {
      return { invalidLine: index + 1 };
    }
    choices.push({ key, sv, en });
  }
  return { choices };
}

function choicesToText(choices: AttributeChoice[]): string {
  return choices.map((choice) => `${choice.key};${choice.sv};${choice.en}`).join('\n');
}

interface AttributeFormProps {
  objectType: ObjectTypeDefinition;
  objectTypes: ObjectTypeDefinition[];
  /** The attribute to change; without it the form adds a new attribute. */
  existing?: AttributeDefinition;
  /** Called with the attribute's name after a successful save. */
  onSaved: (name: string) => void;
  onCancel?: () => void;
}

/** Form that adds an attribute to one object type, or changes one of its attributes. */
export function AttributeForm({ objectType, objectTypes, existing, onSaved, onCancel }: AttributeFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const [key, setKey] = useState(existing?.key ?? '');
  const [nameSv, setNameSv] = useState(existing?.nameSv ?? '');
  const [nameEn, setNameEn] = useState(existing?.nameEn ?? '');
  const [kind, setKind] = useState<AttributeKind>(existing?.kind ?? 'text');
  const [choicesText, setChoicesText] = useState(choicesToText(existing?.choices ?? []));
  const [referenceType, setReferenceType] = useState(existing?.referenceType ?? '');
  const [required, setRequired] = useState(existing?.required ?? false);
  const [error, setError] = useState<unknown>(undefined);
  const [choicesLine, setChoicesLine] = useState<number | null>(null);
  const [working, setWorking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setChoicesLine(null);
    let choices: AttributeChoice[] | undefined;
    if (kind === 'choice') {
      const parsed = parseChoices(choicesText);
      if ('invalidLine' in parsed) {
        setChoicesLine(parsed.invalidLine);
        return;
      }
      choices = parsed.choices;
    }
    setWorking(true);
    try {
      const definition = {
        nameSv,
        nameEn,
        kind,
        choices: choices ?? [],
        referenceType: kind === 'reference' && referenceType !== '' ? referenceType : null,
        required,
      };
      if (existing === undefined) {
        await createAttribute(objectType.key, { key, ...definition });
      } else {
        await updateAttribute(objectType.key, existing.key, { ...definition, version: objectType.version });
        onSaved(localName({ nameSv, nameEn }));
        return;
      }
      const name = localName({ nameSv, nameEn });
      setKey('');
      setNameSv('');
      setNameEn('');
      setKind('text');
      setChoicesText('');
      setReferenceType('');
      setRequired(false);
      onSaved(name);
    } catch (failure) {
      setError(failure);
    } finally {
      setWorking(false);
    }
  };

  return (
    <form
      className="panel"
      data-testid={existing === undefined ? 'attribute-form' : 'attribute-edit-form'}
      aria-labelledby={`${id}-title`}
      onSubmit={(event) => void submit(event)}
    >
      <h3 id={`${id}-title`}>
        {existing === undefined
          ? t('administration.metaModel.addAttribute', { type: localName(objectType) })
          : t('administration.metaModel.editAttribute', { name: localName(existing) })}
      </h3>
      <FormField
        id={`${id}-key`}
        label={t('administration.metaModel.key')}
        hint={t('administration.metaModel.keyHint')}
        problem={fieldProblem(error, 'key')}
        problemTestId="field-error-key"
      >
        {(control) => (
          <input
            {...control}
            data-testid="attribute-key"
            required
            readOnly={existing !== undefined}
            maxLength={200}
            pattern="[a-z][a-z0-9_]*"
            value={key}
            onChange={(event) => setKey(event.target.value)}
          />
        )}
      </FormField>
      <FormField id={`${id}-name-sv`} label={t('administration.metaModel.nameSv')}>
        {(control) => <input {...control} data-testid="attribute-name-sv" required maxLength={200} value={nameSv} onChange={(event) => setNameSv(event.target.value)} />}
      </FormField>
      <FormField id={`${id}-name-en`} label={t('administration.metaModel.nameEn')}>
        {(control) => <input {...control} data-testid="attribute-name-en" required maxLength={200} value={nameEn} onChange={(event) => setNameEn(event.target.value)} />}
      </FormField>
      <FormField id={`${id}-kind`} label={t('administration.metaModel.kind')} problem={fieldProblem(error, 'kind')} problemTestId="field-error-kind">
        {(control) => (
          <select {...control} data-testid="attribute-kind" value={kind} onChange={(event) => setKind(event.target.value as AttributeKind)}>
            {ATTRIBUTE_KINDS.map((option) => (
              <option key={option} value={option}>
                {t(`administration.metaModel.kinds.${option}`)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      {kind === 'choice' && (
        <FormField
          id={`${id}-choices`}
          label={t('administration.metaModel.choices')}
          hint={t('administration.metaModel.choicesHint')}
          problem={choicesLine !== null ? { message: t('administration.metaModel.choicesInvalid', { line: choicesLine }) } : fieldProblem(error, 'choices')}
          problemTestId="field-error-choices"
        >
          {(control) => (
            <textarea
              {...control}
              data-testid="attribute-choices"
              required
              rows={4}
              maxLength={200_000}
              value={choicesText}
              onChange={(event) => setChoicesText(event.target.value)}
            />
          )}
        </FormField>
      )}
      {kind === 'reference' && (
        <FormField
          id={`${id}-reference`}
          label={t('administration.metaModel.referenceType')}
          problem={fieldProblem(error, 'referenceType')}
          problemTestId="field-error-referenceType"
        >
          {(control) => (
            <select {...control} data-testid="attribute-reference-type" value={referenceType} onChange={(event) => setReferenceType(event.target.value)}>
              <option value="">{t('administration.metaModel.anyType')}</option>
              {objectTypes.map((type) => (
                <option key={type.key} value={type.key}>
                  {localName(type)}
                </option>
              ))}
            </select>
          )}
        </FormField>
      )}
      <div className="checkbox-field">
        <input id={`${id}-required`} data-testid="attribute-required" type="checkbox" checked={required} onChange={(event) => setRequired(event.target.checked)} />
        <label htmlFor={`${id}-required`}>{t('administration.metaModel.required')}</label>
      </div>
      {fieldOfError(error) === null && <ErrorMessage error={error} testId="attribute-error" />}
      <div className="actions">
        <button type="submit" data-testid="attribute-submit" disabled={working}>
          {existing === undefined ? t('administration.metaModel.addAttributeSubmit') : t('administration.metaModel.save')}
        </button>
        {onCancel !== undefined && (
          <button type="button" className="secondary" data-testid="attribute-cancel" onClick={onCancel}>
            {t('confirm.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
