import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { apiRequest, queryString } from '../../api/client';
import { REQUIREMENT_ROLES } from '../../api/meta-model';
import type { ModelObject, ObjectPage } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { useFormat } from '../../hooks/use-format';
import { useLiveChanges } from '../../hooks/use-live-changes';
import { reloadMetaModel, useMetaModel } from '../../hooks/use-meta-model';
import { usePagedList, type Page } from '../../hooks/use-paged-list';
import { useCanWrite } from '../../session/session-context';
import { CreateObjectForm } from './create-object-form';
import { TypeNavigation } from './type-navigation';
import { VirtualObjectTable } from './virtual-object-table';

/** Number of objects fetched per page. */
const PAGE_SIZE = 100;

const SORTS = ['name', '-name', 'updatedAt', '-updatedAt', 'type'] as const;
type Sort = (typeof SORTS)[number];

const SORT_LABELS = {
  name: 'modelObjects.list.sortName',
  '-name': 'modelObjects.list.sortNameDescending',
  updatedAt: 'modelObjects.list.sortUpdated',
  '-updatedAt': 'modelObjects.list.sortUpdatedDescending',
  type: 'modelObjects.list.sortType',
} as const;

/** The list's parameters, kept in the address so a filtered list can be bookmarked and the back button restores it. */
interface ListQuery {
  type: string;
  q: string;
  sort: Sort;
  attribute: string;
  value: string;
}

function readQuery(search: URLSearchParams): ListQuery {
  const sort = search.get('sort') ?? 'name';
  return {
    type: search.get('type') ?? '',
    q: search.get('q') ?? '',
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as Sort) : 'name',
    attribute: search.get('attribute') ?? '',
    value: search.get('value') ?? '',
  };
}

/**
 * /objects?type=&q=&sort=&attribute=&value=: the objects of one type (or all
 * model objects), searched, filtered and sorted by the server and paged with
 * its keyset cursor, and a create form for writers.
 */
export function ObjectListPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const canWrite = useCanWrite();
  const { typeName, attributeName, objectType } = useMetaModel();
  const [search, setSearch] = useSearchParams();
  const query = readQuery(search);
  const [changed, setChanged] = useState(false);


  const listKey = JSON.stringify(query);
  const loadPage = useCallback(
    async (cursor: string | null, signal: AbortSignal): Promise<Page<ModelObject>> => {
      // "All model objects" leaves out requirement sets and requirements, which have pages of their own.
      const excludeRoles = query.type === '' ? REQUIREMENT_ROLES.join(',') : undefined;
      const attributeFilter = query.attribute !== '' && query.value !== '' ? { [`attribute.${query.attribute}`]: query.value } : {};
      const page = await apiRequest<ObjectPage>(
        `/api/objects${queryString({ type: query.type, excludeRoles, q: query.q, sort: query.sort, ...attributeFilter, limit: PAGE_SIZE, after: cursor })}`,
        { signal },
      );
      return { items: page.objects, next: page.next };
    },
    [query.type, query.q, query.sort, query.attribute, query.value],
  );
  const list = usePagedList(listKey, loadPage);
  const objects = list.items;

  useLiveChanges((event) => {
    if (event.type === 'reload') {
      reloadMetaModel();
      setChanged(true);
      return;
    }
    if (event.entity === 'object-type' || event.entity === 'relation-type' || event.entity === 'model') {
      reloadMetaModel();
    }
    if (event.entity === 'model') {
      setChanged(true);
    }
    if (event.entity !== 'object' || event.id === null) {
      return;
    }
    const id = event.id;
    if (event.action === 'deleted') {
      list.updateItems((items) => items.filter((object) => object.id !== id));
      reloadMetaModel();
    } else if (event.action === 'created') {
      setChanged(true);
      reloadMetaModel();
    } else if (list.items.some((object) => object.id === id)) {
      void apiRequest<ModelObject>(`/api/objects/${encodeURIComponent(id)}`)
        .then((object) => list.updateItems((items) => items.map((item) => (item.id === id ? object : item))))
        .catch(() => undefined);
    }
  });

  const showCurrent = () => {
    setChanged(false);
    list.reload();
  };

  const onCreated = (object: ModelObject) => {
    if (query.type === '' || object.type === query.type) {
      list.prepend(object);
    }
  };

  const title = query.type === '' ? t('objects.titleAll') : t('objects.titleType', { type: typeName(query.type) });
  const attributes = query.type === '' ? [] : (objectType(query.type)?.attributes ?? []);
  return (
    <>
      <title>{`${title} – ${t('app.name')}`}</title>
      <div className="with-sidebar">
        <TypeNavigation currentType={query.type} />
        <div className="sidebar-content">
          <h1>{title}</h1>
          <ListFilters
            key={listKey}
            query={query}
            attributes={attributes.map((attribute) => ({ key: attribute.key, name: attributeName(query.type, attribute.key) }))}
            onApply={(next) => {
              const parameters: Record<string, string> = {};
              for (const [name, value] of Object.entries(next)) {
                if (value !== '' && !(name === 'sort' && value === 'name')) {
                  parameters[name] = value;
                }
              }
              setSearch(parameters);
            }}
          />
          <div aria-live="polite">
            {changed && (
              <button type="button" className="link-button" data-testid="object-list-changed" onClick={showCurrent}>
                {t('modelObjects.list.changed')}
              </button>
            )}
            {!list.loading && (
              <p className="muted" data-testid="object-list-count" data-count={objects.length}>
                {t('modelObjects.list.shown', { count: objects.length, formattedCount: format.number(objects.length) })}
              </p>
            )}
          </div>

          {objects.length > 0 && <VirtualObjectTable objects={objects} hasMore={list.hasMore} loading={list.loading} onLoadMore={list.loadMore} />}
          {!list.loading && list.error === undefined && objects.length === 0 && <p>{t('objects.empty')}</p>}

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
          {canWrite && <CreateObjectForm key={query.type} initialType={query.type} onCreated={onCreated} />}
        </div>
      </div>
    </>
  );
}

interface ListFiltersProps {
  query: ListQuery;
  attributes: { key: string; name: string }[];
  onApply: (query: ListQuery) => void;
}

/** Renders the search, sort and attribute filter of the list, applied together with one button so typing does not send a request per key. */
function ListFilters({ query, attributes, onApply }: ListFiltersProps) {
  const { t } = useTranslation();
  const id = useId();
  const [q, setQ] = useState(query.q);
  const [sort, setSort] = useState<Sort>(query.sort);
  const [attribute, setAttribute] = useState(query.attribute);
  const [value, setValue] = useState(query.value);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ type: query.type, q: q.trim(), sort, attribute, value: attribute === '' ? '' : value.trim() });
  };

  return (
    <form className="list-filters" role="search" onSubmit={submit} data-testid="object-list-filters">
      <div className="field">
        <label htmlFor={`${id}-q`}>{t('modelObjects.list.search')}</label>
        <input id={`${id}-q`} type="search" data-testid="object-search" maxLength={500} value={q} onChange={(event) => setQ(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-sort`}>{t('modelObjects.list.sort')}</label>
        <select id={`${id}-sort`} data-testid="object-sort" value={sort} onChange={(event) => setSort(event.target.value as Sort)}>
          {SORTS.map((option) => (
            <option key={option} value={option}>
              {t(SORT_LABELS[option])}
            </option>
          ))}
        </select>
      </div>
      {attributes.length > 0 && (
        <>
          <div className="field">
            <label htmlFor={`${id}-attribute`}>{t('modelObjects.list.filterAttribute')}</label>
            <select id={`${id}-attribute`} data-testid="object-filter-attribute" value={attribute} onChange={(event) => setAttribute(event.target.value)}>
              <option value="">{t('modelObjects.list.filterAttributeNone')}</option>
              {attributes.map((option) => (
                <option key={option.key} value={option.key}>
                  {option.name}
                </option>
              ))}
            </select>
          </div>
          {attribute !== '' && (
            <div className="field">
              <label htmlFor={`${id}-value`}>{t('modelObjects.list.filterValue')}</label>
              <input id={`${id}-value`} data-testid="object-filter-value" maxLength={2000} value={value} onChange={(event) => setValue(event.target.value)} />
            </div>
          )}
        </>
      )}
      <button type="submit" data-testid="object-list-apply">
        {t('modelObjects.list.apply')}
      </button>
    </form>
  );
}
