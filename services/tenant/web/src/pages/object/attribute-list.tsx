import { useTranslation } from 'react-i18next';

/** Renders an object's attributes as a definition list, sorted by name. */
export function AttributeList({ attributes }: { attributes: Record<string, unknown> }) {
  const { t } = useTranslation();
  const entries = Object.entries(attributes ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) {
    return <p>{t('object.noAttributes')}</p>;
  }
  return (
    <dl className="fields" data-testid="object-attributes">
      {entries.map(([name, value]) => (
        <div key={name} className="field-row">
          <dt>{name}</dt>
          <dd>{formatAttributeValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

// Attributes are free-form JSON: strings show as they are, anything else as compact JSON.
function formatAttributeValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
