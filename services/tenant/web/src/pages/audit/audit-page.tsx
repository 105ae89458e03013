import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest, queryString } from '../../api/client';
import type { AuditEntry } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { useFormat } from '../../hooks/use-format';
import { usePagedList, type Page } from '../../hooks/use-paged-list';
import { currentLanguage } from '../../i18n';
import { actorName } from './actor-name';
import { auditActionName } from './audit-action-names';

/** Number of audit entries fetched per "load more". */
const PAGE_SIZE = 50;

/**
 * Loads one page of the audit log, newest first. The next page starts below
 * the id in `next`. NOTE: the API table documents no `next` field, so when it
 * is missing a full page is taken to mean that more may follow.
 */
async function loadAuditPage(cursor: string | null, signal: AbortSignal): Promise<Page<AuditEntry>> {
  const { entries, next } = await apiRequest<{ entries: AuditEntry[]; next?: string | null }>(
    `/api/audit${queryString({ limit: PAGE_SIZE, before: cursor })}`,
    { signal },
  );
  if (next !== undefined) {
    return { items: entries, next };
  }
  const oldest = entries.at(-1);
  return { items: entries, next: entries.length === PAGE_SIZE && oldest !== undefined ? String(oldest.id) : null };
}

/**
 * Renders /audit: the audit log as a table, newest entry first. Each action
 * is named in the user's language, with its code beside it for searching
 * the logs. An action this client has no name for shows its code only, and
 * the summary is the text the tenant recorded with the change.
 */
export function AuditPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const loadPage = useCallback(loadAuditPage, []);
  const list = usePagedList('audit', loadPage);

  return (
    <>
      <title>{`${t('audit.title')} – ${t('app.name')}`}</title>
      <h1>{t('audit.title')}</h1>
      {list.items.length > 0 && (
        <table data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.summary')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((entry) => (
              <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
                <td>
                  <time dateTime={entry.at}>{format.dateTime(entry.at)}</time>
                </td>
                <td>{actorName(entry.actor) ?? t('audit.systemActor')}</td>
                <td>
                  {auditActionName(entry.action, currentLanguage())}{' '}
                  <code lang="en">{entry.action}</code>
                </td>
                {/* The tenant records summaries in English, whatever the user's language. */}
                <td lang="en">{entry.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!list.loading && list.error === undefined && list.items.length === 0 && <p>{t('audit.empty')}</p>}
      <div aria-live="polite">
        {list.loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={list.error} />
      </div>
      {list.hasMore && !list.loading && (
        <button type="button" data-testid="audit-load-more" onClick={list.loadMore}>
          {t('app.loadMore')}
        </button>
      )}
    </>
  );
}
