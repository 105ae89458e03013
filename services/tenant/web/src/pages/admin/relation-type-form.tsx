import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { createRelationType, PROTECTION_FLOWS, updateRelationType, type ObjectTypeDefinition, type ProtectionFlow, type RelationTypeDefinition } from '../../api/meta-model';
import { ErrorMessage } from '../../components/error-message';
import { FormField, type FieldMessage } from '../../components/form-field';
import { useFormSubmission } from '../../hooks/use-form-submission';
import { fieldOfError, fieldProblem } from './field-errors';
import { localName } from './local-name';

interface TypeSelectProps {
  id: string;
  label: string;
  testId: string;
  hintId: string;
  objectTypes: ObjectTypeDefinition[];
  selected: string[];
  onChange: (keys: string[]) => void;
  problem?: FieldMessage;
  problemTestId?: string;
}

/** Multiple-choice list of object types; no selection means every type. */
function TypeSelect({ id, label, testId, hintId, objectTypes, selected, onChange, problem, problemTestId }: TypeSelectProps) {
  return (
    <FormField id={id} label={label} describedBy={hintId} problem={problem} problemTestId={problemTestId}>
      {(control) => (
        <select
          {...control}
          data-testid={testId}
          multiple
          size={Math.min(6, Math.max(objectTypes.length, 2))}
          value={selected}
          onChange={(event) => onChange(Array.from(event.target.selectedOptions, (option) => option.value))}
        >
          {objectTypes.map((type) => (
            <option key={type.key} value={type.key}>
              {localName(type)}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}

interface RelationTypeFormProps {
  objectTypes: ObjectTypeDefinition[];
  /** The relation type to change; without it the form adds a new relation type. */
  existing?: RelationTypeDefinition;
  /** Called with the relation type's name after a successful save. */
  onSaved: (name: string) => void;
  onCancel?: () => void;
}

/** Form that adds or changes a relation type: its names in both directions, allowed ends and protection flow. */
export function RelationTypeForm({ objectTypes, existing, onSaved, onCancel }: RelationTypeFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const [key, setKey] = useState(existing?.key ?? '');
  const [names, setNames] = useState({
    nameSv: existing?.nameSv ?? '',
    nameEn: existing?.nameEn ?? '',
    reverseNameSv: existing?.reverseNameSv ?? '',
    reverseNameEn: existing?.reverseNameEn ?? '',
  });
  const [sourceTypes, setSourceTypes] = useState<string[]>(existing?.sourceTypes ?? []);
  const [targetTypes, setTargetTypes] = useState<string[]>(existing?.targetTypes ?? []);
  const [protectionFlow, setProtectionFlow] = useState<ProtectionFlow>(existing?.protectionFlow ?? 'none');
  const { error, working, submit } = useFormSubmission(async () => {
    const definition = {
      ...names,
      sourceTypes: sourceTypes.length > 0 ? sourceTypes : null,
      targetTypes: targetTypes.length > 0 ? targetTypes : null,
      protectionFlow,
    };
    if (existing !== undefined) {
      await updateRelationType(existing.key, { ...definition, version: existing.version });
      onSaved(localName(names));
      return;
    }
    await createRelationType({ key, ...definition });
    setKey('');
    setNames({ nameSv: '', nameEn: '', reverseNameSv: '', reverseNameEn: '' });
    setSourceTypes([]);
    setTargetTypes([]);
    setProtectionFlow('none');
    onSaved(localName(names));
  });

  const nameFields = ['nameSv', 'nameEn', 'reverseNameSv', 'reverseNameEn'] as const;
  const hintId = `${id}-ends-hint`;
  return (
    <form
      className="panel"
      data-testid={existing === undefined ? 'relation-type-form' : 'relation-type-edit-form'}
      aria-labelledby={`${id}-title`}
      onSubmit={(event) => void submit(event)}
    >
      <h3 id={`${id}-title`}>
        {existing === undefined ? t('administration.metaModel.addRelationType') : t('administration.metaModel.editRelationType', { name: localName(existing) })}
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
            data-testid="relation-type-key"
            required
            readOnly={existing !== undefined}
            maxLength={100}
            pattern="[a-z][a-z0-9_]*"
            value={key}
            onChange={(event) => setKey(event.target.value)}
          />
        )}
      </FormField>
      {nameFields.map((field) => (
        <FormField key={field} id={`${id}-${field}`} label={t(`administration.metaModel.${field}`)}>
          {(control) => (
            <input
              {...control}
              data-testid={`relation-type-${field}`}
              required
              maxLength={200}
              value={names[field]}
              onChange={(event) => setNames((current) => ({ ...current, [field]: event.target.value }))}
            />
          )}
        </FormField>
      ))}
      <p className="hint" id={hintId}>
        {t('administration.metaModel.endsHint')}
      </p>
      <TypeSelect
        id={`${id}-source`}
        label={t('administration.metaModel.sourceTypes')}
        testId="relation-type-source-types"
        hintId={hintId}
        objectTypes={objectTypes}
        selected={sourceTypes}
        onChange={setSourceTypes}
        problem={fieldProblem(error, 'sourceTypes')}
        problemTestId="field-error-sourceTypes"
      />
      <TypeSelect
        id={`${id}-target`}
        label={t('administration.metaModel.targetTypes')}
        testId="relation-type-target-types"
        hintId={hintId}
        objectTypes={objectTypes}
        selected={targetTypes}
        onChange={setTargetTypes}
      />
      <FormField id={`${id}-flow`} label={t('administration.metaModel.protectionFlow')}>
        {(control) => (
          <select {...control} data-testid="relation-type-flow" value={protectionFlow} onChange={(event) => setProtectionFlow(event.target.value as ProtectionFlow)}>
            {PROTECTION_FLOWS.map((flow) => (
              <option key={flow} value={flow}>
                {t(`administration.metaModel.protectionFlows.${flow}`)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      {fieldOfError(error) === null && <ErrorMessage error={error} testId="relation-type-error" />}
      <div className="actions">
        <button type="submit" data-testid="relation-type-submit" disabled={working}>
          {existing === undefined ? t('administration.metaModel.addRelationTypeSubmit') : t('administration.metaModel.save')}
        </button>
        {onCancel !== undefined && (
          <button type="button" className="secondary" data-testid="relation-type-cancel" onClick={onCancel}>
            {t('confirm.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
