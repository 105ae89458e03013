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
import { describedBy, FieldError, fieldOfError } from './field-errors';
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

  const choicesHintId = `${id}-choices-hint`;
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
      <div className="field">
        <label htmlFor={`${id}-key`}>{t('administration.metaModel.key')}</label>
        <input
          id={`${id}-key`}
          data-testid="attribute-key"
          required
          readOnly={existing !== undefined}
          maxLength={200}
          pattern="[a-z][a-z0-9_]*"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          {...describedBy(id, 'key', error, `${id}-key-hint`)}
        />
        <p className="hint" id={`${id}-key-hint`}>
          {t('administration.metaModel.keyHint')}
        </p>
        <FieldError formId={id} field="key" error={error} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-name-sv`}>{t('administration.metaModel.nameSv')}</label>
        <input id={`${id}-name-sv`} data-testid="attribute-name-sv" required maxLength={200} value={nameSv} onChange={(event) => setNameSv(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-name-en`}>{t('administration.metaModel.nameEn')}</label>
        <input id={`${id}-name-en`} data-testid="attribute-name-en" required maxLength={200} value={nameEn} onChange={(event) => setNameEn(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-kind`}>{t('administration.metaModel.kind')}</label>
        <select
          id={`${id}-kind`}
          data-testid="attribute-kind"
          value={kind}
          onChange={(event) => setKind(event.target.value as AttributeKind)}
          {...describedBy(id, 'kind', error)}
        >
          {ATTRIBUTE_KINDS.map((option) => (
            <option key={option} value={option}>
              {t(`administration.metaModel.kinds.${option}`)}
            </option>
          ))}
        </select>
        <FieldError formId={id} field="kind" error={error} />
      </div>
      {kind === 'choice' && (
        <div className="field">
          <label htmlFor={`${id}-choices`}>{t('administration.metaModel.choices')}</label>
          <textarea
            id={`${id}-choices`}
            data-testid="attribute-choices"
            required
            rows={4}
            maxLength={200_000}
            value={choicesText}
            onChange={(event) => setChoicesText(event.target.value)}
            aria-invalid={choicesLine !== null || fieldOfError(error) === 'choices' ? true : undefined}
            aria-describedby={`${choicesHintId} ${id}-choices-error`}
          />
          <p className="hint" id={choicesHintId}>
            {t('administration.metaModel.choicesHint')}
          </p>
          <div id={`${id}-choices-error`}>
            {choicesLine !== null && (
              <p className="error" role="alert" data-testid="field-error-choices">
                {t('administration.metaModel.choicesInvalid', { line: choicesLine })}
              </p>
            )}
            <FieldError formId={`${id}-api`} field="choices" error={error} />
          </div>
        </div>
      )}
      {kind === 'reference' && (
        <div className="field">
          <label htmlFor={`${id}-reference`}>{t('administration.metaModel.referenceType')}</label>
          <select
            id={`${id}-reference`}
            data-testid="attribute-reference-type"
            value={referenceType}
            onChange={(event) => setReferenceType(event.target.value)}
            {...describedBy(id, 'referenceType', error)}
          >
            <option value="">{t('administration.metaModel.anyType')}</option>
            {objectTypes.map((type) => (
              <option key={type.key} value={type.key}>
                {localName(type)}
              </option>
            ))}
          </select>
          <FieldError formId={id} field="referenceType" error={error} />
        </div>
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
