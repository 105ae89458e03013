import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { apiRequest } from '../../api/client';
import type { MetaModelSummary, ModelObject, ObjectTypeSummary } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { apiFieldProblem } from '../../components/form-field';
import { useMetaModel } from '../../hooks/use-meta-model';
import { currentLanguage, intlLocale } from '../../i18n';
import { AttributeInput } from '../object/attribute-input';
import { textToAttribute } from '../object/attribute-input-values';

// Requirement sets and requirements are created through the requirement sets, and the server rejects them here.
const REQUIREMENT_ROLES = new Set(['requirement_set', 'requirement']);

/** Returns the types a user can create objects of, sorted by name in the current language. */
function creatableTypes(metaModel: MetaModelSummary | undefined): ObjectTypeSummary[] {
  const language = currentLanguage();
  return (metaModel?.objectTypes ?? [])
    .filter((objectType) => !REQUIREMENT_ROLES.has(objectType.role))
    .sort((a, b) => (language === 'sv' ? a.nameSv.localeCompare(b.nameSv, 'sv') : a.nameEn.localeCompare(b.nameEn, 'en')));
}

interface CreateObjectFormProps {
  /** Type chosen at first: the type of the list the form sits under, when it is one the user can create. */
  initialType: string;
  onCreated: (object: ModelObject) => void;
}

/**
 * Renders the form that creates an object with POST /api/objects, with a
 * field for each required attribute of the chosen type. Pages show it to
 * users with write access only.
 */
export function CreateObjectForm({ initialType, onCreated }: CreateObjectFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const metaModel = useMetaModel();
  const types = creatableTypes(metaModel.metaModel);
  const [chosenType, setType] = useState(initialType);
  // Until the user chooses, the list's own type is preselected, else the first type.
  const type = types.some((objectType) => objectType.key === chosenType) ? chosenType : (types[0]?.key ?? '');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  // The texts of the attribute fields by `<type>.<attribute key>`, so that a text typed for one type does not carry over to another.
  const [attributeTexts, setAttributeTexts] = useState<Record<string, string>>({});
  const requiredAttributes = (metaModel.objectType(type)?.attributes ?? []).filter((definition) => definition.required);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<ModelObject | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setCreated(null);
    setSubmitting(true);
    try {
      const trimmedDescription = description.trim();
      const attributes: Record<string, unknown> = {};
      for (const definition of requiredAttributes) {
        const value = textToAttribute(definition, attributeTexts[`${type}.${definition.key}`] ?? '', intlLocale());
        if (value !== undefined) {
          attributes[definition.key] = value;
        }
      }
      const object = await apiRequest<ModelObject>('/api/objects', {
        method: 'POST',
        body: {
          type,
          name: name.trim(),
          ...(trimmedDescription === '' ? {} : { description: trimmedDescription }),
          ...(Object.keys(attributes).length === 0 ? {} : { attributes }),
        },
      });
      setCreated(object);
      setName('');
      setDescription('');
      setAttributeTexts({});
      onCreated(object);
    } catch (failure) {
      setError(failure);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-heading`} className="panel">
      <h2 id={`${id}-heading`}>{t('objects.createTitle')}</h2>
      <form onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t('objects.type')}</label>
          <select
            id={`${id}-type`}
            data-testid="create-object-type"
            required
            value={type}
            onChange={(event) => setType(event.target.value)}
          >
            {types.map((objectType) => (
              <option key={objectType.key} value={objectType.key}>
                {currentLanguage() === 'sv' ? objectType.nameSv : objectType.nameEn}
              </option>
            ))}
          </select>
          <ErrorMessage error={metaModel.error} testId="create-object-types-error" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('objects.name')}</label>
          <input
            id={`${id}-name`}
            data-testid="create-object-name"
            required
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>{t('objects.description')}</label>
          <textarea
            id={`${id}-description`}
            data-testid="create-object-description"
            rows={3}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        </div>
        {requiredAttributes.map((definition) => (
          <AttributeInput
            key={`${type}.${definition.key}`}
            id={`${id}-attribute-${definition.key}`}
            objectType={type}
            definition={definition}
            text={attributeTexts[`${type}.${definition.key}`] ?? ''}
            onChange={(text) => setAttributeTexts((previous) => ({ ...previous, [`${type}.${definition.key}`]: text }))}
            problem={apiFieldProblem(error, `attributes.${definition.key}`)}
          />
        ))}
        <button type="submit" data-testid="create-object-submit" disabled={submitting || type === ''}>
          {submitting ? t('objects.creating') : t('objects.create')}
        </button>
      </form>
      <div aria-live="polite">
        {created !== null && (
          <p className="success" data-testid="create-object-result" data-object-id={created.id}>
            {t('objects.created', { name: created.name })}{' '}
            <Link to={`/objects/${encodeURIComponent(created.id)}`}>{t('objects.openCreated')}</Link>
          </p>
        )}
        <ErrorMessage error={error} testId="create-object-error" />
      </div>
    </section>
  );
}
