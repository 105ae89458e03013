import type { TFunction } from 'i18next';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import type { ClassificationScale, ScaleDimension } from '../../api/classification';
import { REQUIREMENT_ROLES, type ObjectTypeDefinition } from '../../api/meta-model';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { useApiResource } from '../../hooks/use-api-resource';
import { useMetaModel } from '../../hooks/use-meta-model';
import { intlLocale } from '../../i18n';
import { localName } from '../admin/local-name';
import { addApplicabilityRule, removeApplicabilityRule, rulesPath, type ApplicabilityRule } from './requirement-admin-api';

const SCALE_PATH = '/api/classification/scale';

/** Writes a rule as a sentence: "Applies to Application and Server with Confidentiality at least 3 (High)." */
function describeRule(rule: ApplicabilityRule, typeName: (key: string) => string, dimensions: ScaleDimension[], t: TFunction): string {
  const types =
    rule.objectTypes === null ? t('requirementAdmin.everyType') : new Intl.ListFormat(intlLocale(), { type: 'conjunction' }).format(rule.objectTypes.map(typeName));
  if (rule.dimension === null || rule.minLevel === null) {
    return t('requirementAdmin.ruleTypesOnly', { types });
  }
  const dimension = dimensions.find((candidate) => candidate.key === rule.dimension);
  const level = dimension?.levels.find((candidate) => candidate.level === rule.minLevel);
  return t('requirementAdmin.ruleTypesAndLevel', {
    types,
    dimension: dimension === undefined ? rule.dimension : localName(dimension),
    level: rule.minLevel,
    levelName: level === undefined ? String(rule.minLevel) : localName(level),
  });
}

interface RuleFormProps {
  path: string;
  headingLevel: 3 | 4;
  objectTypes: ObjectTypeDefinition[];
  dimensions: ScaleDimension[];
  onAdded: () => void;
}

/** Form that adds a rule: object types as checkboxes, and optionally a dimension with its minimum level. */
function RuleForm({ path, headingLevel, objectTypes, dimensions, onAdded }: RuleFormProps) {
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const { t } = useTranslation();
  const id = useId();
  const [types, setTypes] = useState<string[]>([]);
  const [dimensionKey, setDimensionKey] = useState('');
  const [minLevel, setMinLevel] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [empty, setEmpty] = useState(false);
  const [working, setWorking] = useState(false);
  const dimension = dimensions.find((candidate) => candidate.key === dimensionKey);

  const chooseDimension = (key: string) => {
    setDimensionKey(key);
    setMinLevel(dimensions.find((candidate) => candidate.key === key)?.levels[0]?.level ?? null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    // The server would reject an empty rule too, but with a schema error that names no field.
    setEmpty(types.length === 0 && dimension === undefined);
    if (types.length === 0 && dimension === undefined) {
      return;
    }
    setWorking(true);
    try {
      await addApplicabilityRule(path, {
        objectTypes: types.length > 0 ? types : undefined,
        ...(dimension !== undefined && minLevel !== null ? { dimension: dimension.key, minLevel } : {}),
      });
      setTypes([]);
      chooseDimension('');
      onAdded();
    } catch (failure) {
      setError(failure);
    } finally {
      setWorking(false);
    }
  };

  return (
    <form className="panel no-print" data-testid="rule-form" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)}>
      <Heading id={`${id}-title`}>{t('requirementAdmin.addRule')}</Heading>
      <fieldset aria-describedby={`${id}-types-hint`}>
        <legend>{t('requirementAdmin.objectTypes')}</legend>
        <p className="hint" id={`${id}-types-hint`}>
          {t('requirementAdmin.objectTypesHint')}
        </p>
        {objectTypes.map((type) => (
          <div className="checkbox-field" key={type.key}>
            <input
              id={`${id}-type-${type.key}`}
              type="checkbox"
              data-testid="rule-form-type"
              data-key={type.key}
              checked={types.includes(type.key)}
              onChange={(event) => setTypes((current) => (event.target.checked ? [...current, type.key] : current.filter((key) => key !== type.key)))}
            />
            <label htmlFor={`${id}-type-${type.key}`}>{localName(type)}</label>
          </div>
        ))}
      </fieldset>
      <FormField id={`${id}-dimension`} label={t('requirementAdmin.dimension')}>
        {(control) => (
          <select {...control} data-testid="rule-form-dimension" value={dimensionKey} onChange={(event) => chooseDimension(event.target.value)}>
            <option value="">{t('requirementAdmin.noDimension')}</option>
            {dimensions.map((candidate) => (
              <option key={candidate.key} value={candidate.key}>
                {localName(candidate)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      {dimension !== undefined && (
        <FormField id={`${id}-level`} label={t('requirementAdmin.minLevel')}>
          {(control) => (
            <select {...control} data-testid="rule-form-level" value={minLevel ?? ''} onChange={(event) => setMinLevel(Number(event.target.value))}>
              {dimension.levels.map((level) => (
                <option key={level.level} value={level.level}>
                  {`${level.level} ${localName(level)}`}
                </option>
              ))}
            </select>
          )}
        </FormField>
      )}
      {empty && (
        <p className="error" role="alert" data-testid="rule-form-empty">
          {t('requirementAdmin.ruleEmpty')}
        </p>
      )}
      <ErrorMessage error={error} testId="rule-form-error" />
      <div className="actions">
        <button type="submit" data-testid="rule-form-submit" disabled={working}>
          {t('requirementAdmin.addRuleSubmit')}
        </button>
      </div>
    </form>
  );
}

interface ApplicabilityRulesProps {
  subject: { kind: 'set' | 'requirement'; id: string };
  heading: string;
  intro: string;
  /** Shown when the subject has no rules. */
  emptyText: string;
  /** 2 for a section of the page, 3 for a section under a requirement. */
  headingLevel?: 2 | 3;
  /** True for administrators, who may add and remove rules. */
  editable: boolean;
  /** Called after a rule was added or removed, so the page can reload its gap analysis. */
  onChanged: () => void;
}

/** Renders the applicability rules on a set or requirement as sentences, with controls to add and remove them when `editable`. */
export function ApplicabilityRules({ subject, heading, intro, emptyText, headingLevel = 2, editable, onChanged }: ApplicabilityRulesProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const { t } = useTranslation();
  const id = useId();
  const path = rulesPath(subject);
  const rules = useApiResource<{ rules: ApplicabilityRule[] }>(path);
  const scale = useApiResource<ClassificationScale>(SCALE_PATH);
  const metaModel = useMetaModel();
  // The change, not its message, is kept, so the message follows the language switch.
  const [status, setStatus] = useState<'added' | 'removed' | null>(null);
  const [actionError, setActionError] = useState<unknown>(undefined);

  const dimensions = scale.data?.dimensions ?? [];
  // Requirement sets and requirements never count as objects a requirement applies to, and the server rejects their types in a rule.
  const objectTypes = (metaModel.metaModel?.objectTypes ?? []).filter((type) => !REQUIREMENT_ROLES.includes(type.role));

  const changed = (change: 'added' | 'removed') => {
    setStatus(change);
    setActionError(undefined);
    rules.reload();
    onChanged();
  };

  const remove = async (rule: ApplicabilityRule) => {
    setStatus(null);
    setActionError(undefined);
    try {
      await removeApplicabilityRule(rule.id);
      changed('removed');
    } catch (failure) {
      setActionError(failure);
    }
  };

  return (
    <section aria-labelledby={`${id}-heading`} data-testid={`${subject.kind}-rules`}>
      <Heading id={`${id}-heading`}>{heading}</Heading>
      <p>{intro}</p>
      <div aria-live="polite">
        {rules.loading && <p>{t('app.loading')}</p>}
        {status !== null && (
          <p className="success no-print" data-testid="rule-status">
            {status === 'added' ? t('requirementAdmin.ruleAdded') : t('requirementAdmin.ruleRemoved')}
          </p>
        )}
      </div>
      <ErrorMessage error={rules.error ?? scale.error} />
      <ErrorMessage error={actionError} testId="rule-action-error" />
      {rules.data !== undefined && rules.data.rules.length === 0 && <p data-testid="rules-none">{emptyText}</p>}
      {rules.data !== undefined && rules.data.rules.length > 0 && (
        <ul data-testid="rule-list">
          {rules.data.rules.map((rule) => {
            const text = describeRule(rule, metaModel.typeName, dimensions, t);
            return (
              <li key={rule.id} data-testid="rule" data-rule-id={rule.id}>
                {text}{' '}
                {editable && (
                  <button
                    type="button"
                    className="secondary no-print"
                    data-testid="rule-remove"
                    aria-label={t('requirementAdmin.removeRuleNamed', { rule: text })}
                    onClick={() => void remove(rule)}
                  >
                    {t('requirementAdmin.removeRule')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {editable && <RuleForm path={path} headingLevel={headingLevel === 2 ? 3 : 4} objectTypes={objectTypes} dimensions={dimensions} onAdded={() => changed('added')} />}
    </section>
  );
}
