import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { queryString } from '../api/client';
import type { ObjectTypeCount, Stats } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { useApiResource } from '../hooks/use-api-resource';

/** /: totals and the object types with their counts. */
export function HomePage() {
  const { t, i18n } = useTranslation();
  const stats = useApiResource<Stats>('/api/stats');
  // The server also sends each type's names, and the key is shown where a name is missing.
  const types = useApiResource<{ types: (ObjectTypeCount & { nameSv?: string; nameEn?: string })[] }>('/api/object-types');
  const typeName = (entry: { type: string; nameSv?: string; nameEn?: string }) =>
    (i18n.resolvedLanguage === 'sv' ? entry.nameSv : entry.nameEn) ?? entry.type;

  return (
    <>
      <title>{`${t('home.title')} – ${t('app.name')}`}</title>
      <h1>{t('home.title')}</h1>

      <ErrorMessage error={stats.error} />
      {stats.data !== undefined && (
        <p className="stats">
          <span data-testid="stats-objects" data-count={stats.data.objects}>
            {t('counts.objects', { count: stats.data.objects })}
          </span>
          {', '}
          <span data-testid="stats-relations" data-count={stats.data.relations}>
            {t('counts.relations', { count: stats.data.relations })}
          </span>
        </p>
      )}

      <section aria-labelledby="object-types-heading">
        <h2 id="object-types-heading">{t('home.typesTitle')}</h2>
        {types.loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={types.error} />
        {types.data?.types.length === 0 && <p>{t('home.noTypes')}</p>}
        {types.data !== undefined && types.data.types.length > 0 && (
          <ul className="type-list" data-testid="type-list">
            {types.data.types.map((entry) => (
              <li key={entry.type} data-testid={`type-${entry.type}`} data-count={entry.count}>
                <Link to={`/objects${queryString({ type: entry.type })}`}>{typeName(entry)}</Link>{' '}
                <span className="count">{t('counts.objects', { count: entry.count })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
