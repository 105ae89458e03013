import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { AttributeDefinition } from '../../api/meta-model';
import type { ModelObject } from '../../api/types';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat } from '../../hooks/use-format';
import { useMetaModel } from '../../hooks/use-meta-model';
import { intlLocale } from '../../i18n';

/** Renders an object's attributes in the order its type defines them, each value formatted for its kind. */
export function AttributeList({ object }: { object: ModelObject }) {
  const { t } = useTranslation();
  const { objectType, attributeName } = useMetaModel();
  const definitions = objectType(object.type)?.attributes ?? [];
  const known = new Set(definitions.map((definition) => definition.key));
  // Values the meta-model no longer defines are shown by key after the defined ones, so nothing stored is hidden.
  const unknownKeys = Object.keys(object.attributes ?? {})
    .filter((key) => !known.has(key))
    .sort();
  const shown = definitions.filter((definition) => hasValue(object.attributes[definition.key]));

  if (shown.length === 0 && unknownKeys.length === 0) {
    return <p>{t('object.noAttributes')}</p>;
  }
  return (
    <dl className="fields" data-testid="object-attributes">
      {shown.map((definition) => (
        <div key={definition.key} className="field-row" data-testid={`attribute-${definition.key}`}>
          <dt>{attributeName(object.type, definition.key)}</dt>
          <dd>
            <AttributeValue objectType={object.type} definition={definition} value={object.attributes[definition.key]} />
          </dd>
        </div>
      ))}
      {unknownKeys.map((key) => (
        <div key={key} className="field-row" data-testid={`attribute-${key}`}>
          <dt>{key}</dt>
          <dd>{typeof object.attributes[key] === 'string' ? object.attributes[key] : JSON.stringify(object.attributes[key])}</dd>
        </div>
      ))}
    </dl>
  );
}

function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

interface AttributeValueProps {
  objectType: string;
  definition: AttributeDefinition;
  value: unknown;
}

/** Formats one value by its attribute's kind: choice labels, locale dates and numbers, yes or no, references as links. */
export function AttributeValue({ objectType, definition, value }: AttributeValueProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const { choiceLabel } = useMetaModel();

  if (definition.kind === 'number' && typeof value === 'number') {
    return <>{format.number(value)}</>;
  }
  if (definition.kind === 'boolean' && typeof value === 'boolean') {
    return <>{value ? t('modelObjects.attributes.yes') : t('modelObjects.attributes.no')}</>;
  }
  if (definition.kind === 'date' && typeof value === 'string') {
    return <time dateTime={value}>{formatDay(value)}</time>;
  }
  if (definition.kind === 'choice' && typeof value === 'string') {
    return <>{choiceLabel(objectType, definition.key, value)}</>;
  }
  if (definition.kind === 'reference' && typeof value === 'string') {
    return <ReferenceLink id={value} />;
  }
  if (definition.kind === 'long_text' && typeof value === 'string') {
    return <span className="description">{value}</span>;
  }
  return <>{typeof value === 'string' ? value : JSON.stringify(value)}</>;
}

/** Formats a YYYY-MM-DD day in the current locale. The day is read as UTC so that no time zone moves it to the day before. */
function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) {
    return day;
  }
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** A link to the referenced object, named by the object once it has loaded and saying so until then. */
function ReferenceLink({ id }: { id: string }) {
  const { t } = useTranslation();
  const { typeName } = useMetaModel();
  const { data, error } = useApiResource<ModelObject>(`/api/objects/${encodeURIComponent(id)}`);
  if (error !== undefined) {
    return <>{t('modelObjects.attributes.referenceMissing', { id })}</>;
  }
  return (
    <>
      <Link to={`/objects/${encodeURIComponent(id)}`} data-testid="attribute-reference">
        {data?.name ?? t('app.loading')}
      </Link>
      {data !== undefined && <span className="muted"> ({typeName(data.type)})</span>}
    </>
  );
}
