import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import { apiRequest, queryString } from '../../api/client';
import type { ModelObject, ObjectPage } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { useFormat } from '../../hooks/use-format';
import { usePagedList, type Page } from '../../hooks/use-paged-list';
import { useCanWrite } from '../../session/session-context';
import { CreateObjectForm } from './create-object-form';

/** Number of objects fetched per "load more". */
const PAGE_SIZE = 50;

/** /objects?type=X: the objects of one type (or all), page by page, and a create form for writers. */
export function ObjectListPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const canWrite = useCanWrite();
  const type = useSearchParams()[0].get('type') ?? '';

  const loadPage = useCallback(
    async (cursor: string | null, signal: AbortSignal): Promise<Page<ModelObject>> => {
      const page = await apiRequest<ObjectPage>(
        `/api/objects${queryString({ type, limit: PAGE_SIZE, after: cursor })}`,
        { signal },
      );
      return { items: page.objects, next: page.next };
    },
    [type],
  );
  const list = usePagedList(type, loadPage);

  const onCreated = (object: ModelObject) => {
    if (type === '' || object.type === type) {
      list.prepend(object);
    }
  };

  const title = type === '' ? t('objects.titleAll') : t('objects.titleType', { type });
  return (
    <>
      <title>{`${title} – ${t('app.name')}`}</title>
      <h1>{title}</h1>

      {list.items.length > 0 && (
        <table data-testid="object-list">
          <thead>
            <tr>
              <th scope="col">{t('objects.name')}</th>
              <th scope="col">{t('objects.type')}</th>
              <th scope="col">{t('objects.updatedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((object) => (
              <tr key={object.id} data-testid="object-row">
                <td>
                  <Link to={`/objects/${encodeURIComponent(object.id)}`} data-testid="object-link">
                    {object.name}
                  </Link>
                </td>
                <td>{object.type}</td>
                <td>
                  <time dateTime={object.updatedAt}>{format.dateTime(object.updatedAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!list.loading && list.error === undefined && list.items.length === 0 && <p>{t('objects.empty')}</p>}

      <div aria-live="polite">
        {list.loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={list.error} />
      </div>
      {list.hasMore && !list.loading && (
        <button type="button" data-testid="load-more" onClick={list.loadMore}>
          {t('app.loadMore')}
        </button>
      )}

      {/* The key resets the form when the list switches to another type. */}
      {canWrite && <CreateObjectForm key={type} initialType={type} onCreated={onCreated} />}
    </>
  );
}
