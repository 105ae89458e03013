import { useCallback, useEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';

import { apiRequest, queryString } from '../../api/client';
import type { ClassificationScale } from '../../api/classification';
import type { AuditEntry, ObjectWithRelations } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat, type Formatters } from '../../hooks/use-format';
import { useLiveChanges } from '../../hooks/use-live-changes';
import { useMetaModel, type MetaModelNames } from '../../hooks/use-meta-model';
import { usePagedList, type Page } from '../../hooks/use-paged-list';
import { currentLanguage } from '../../i18n';
import type { LiveEvent } from '../../live/live-connection';
import { actorName } from '../audit/actor-name';

/** Number of audit entries fetched per "show more". */
const PAGE_SIZE = 20;

/** Maximum number of characters of a value shown in a field change. A longer value, such as a description, is cut and ends in an ellipsis. */
const MAX_SHOWN_VALUE_LENGTH = 200;

const STATEMENT_STATUSES = ['fulfilled', 'partly_fulfilled', 'not_fulfilled', 'not_applicable'] as const;
type StatementStatus = (typeof STATEMENT_STATUSES)[number];

/** The fields of an object that an `object.updated` entry can change, besides its attributes. */
const OBJECT_FIELDS = ['name', 'type', 'description', 'externalId'] as const;

/** An object as an audit entry stores it in `before` or `after`. */
interface AuditedObject {
  type?: string;
  name?: string;
  description?: string | null;
  externalId?: string | null;
  attributes?: Record<string, unknown>;
}

/** A relation as an audit entry stores it. */
interface AuditedRelation {
  type?: string;
  source?: { name?: string };
  target?: { name?: string };
}

/** One changed field of an `object.updated` entry, with both values as display text. */
interface FieldChange {
  key: string;
  label: string;
  from: string;
  to: string;
}

// i18next's TFunction, because ReturnType<typeof useTranslation>['t'] makes tsc fail with TS2589 (excessively deep) once the texts grow.
type Translate = TFunction;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shorten(text: string): string {
  return text.length > MAX_SHOWN_VALUE_LENGTH ? `${text.slice(0, MAX_SHOWN_VALUE_LENGTH)}…` : text;
}

/** Loads one page of the object's history, newest first. The next page starts below the id in `next`. */
async function loadHistoryPage(objectId: string, cursor: string | null, signal: AbortSignal): Promise<Page<AuditEntry>> {
  const { entries, next } = await apiRequest<{ entries: AuditEntry[]; next: string | null }>(
    `/api/audit${queryString({ objectId, limit: PAGE_SIZE, before: cursor })}`,
    { signal },
  );
  return { items: entries, next };
}

/** Returns whether a change notice may have added an entry to the object's history. */
function affectsHistory(event: LiveEvent, objectId: string): boolean {
  if (event.type === 'reload' || event.entity === 'model') {
    return true;
  }
  const listed = event.truncated === true || (event.ids ?? []).includes(objectId);
  switch (event.entity) {
    case 'object':
    case 'classification':
      return event.id === objectId || listed;
    case 'statement':
      // A statement's id is "<object id>/<requirement id>".
      return event.id?.startsWith(`${objectId}/`) === true || listed;
    case 'relation':
      // A relation notice names the relation, not its ends, so any of them may concern this object.
      return true;
    default:
      return false;
  }
}

/** Formats an attribute or field value for a field change: text in quotes, yes/no, numbers by locale, "(empty)". */
function displayValue(value: unknown, options: { t: Translate; format: Formatters; choice?: (text: string) => string }): string {
  const { t, format } = options;
  if (value === null || value === undefined || value === '') {
    return t('history.emptyValue');
  }
  if (typeof value === 'boolean') {
    return value ? t('history.yes') : t('history.no');
  }
  if (typeof value === 'number') {
    return format.number(value);
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const label = options.choice ? options.choice(text) : text;
  const [open, close] = currentLanguage() === 'sv' ? ['”', '”'] : ['“', '”'];
  return `${open}${shorten(label)}${close}`;
}

/** Lists the fields and attributes whose values differ between the object before and after an update. */
function changedFields(before: AuditedObject, after: AuditedObject, t: Translate, format: Formatters, names: MetaModelNames): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of OBJECT_FIELDS) {
    if ((before[field] ?? null) === (after[field] ?? null)) {
      continue;
    }
    const typeName = field === 'type' ? (text: string) => names.typeName(text) : undefined;
    changes.push({
      key: field,
      label: t(`history.field.${field}`),
      from: displayValue(before[field], { t, format, choice: typeName }),
      to: displayValue(after[field], { t, format, choice: typeName }),
    });
  }

  const type = after.type ?? before.type ?? '';
  const beforeAttributes = before.attributes ?? {};
  const afterAttributes = after.attributes ?? {};
  for (const key of new Set([...Object.keys(beforeAttributes), ...Object.keys(afterAttributes)])) {
    if (JSON.stringify(beforeAttributes[key] ?? null) === JSON.stringify(afterAttributes[key] ?? null)) {
      continue;
    }
    const choice = (text: string) => names.choiceLabel(type, key, text);
    changes.push({
      key: `attributes.${key}`,
      label: names.attributeName(type, key),
      from: displayValue(beforeAttributes[key], { t, format, choice }),
      to: displayValue(afterAttributes[key], { t, format, choice }),
    });
  }
  return changes;
}

/** Returns the dimension's name in the current language, or its key when the scale does not have it. */
function dimensionName(scale: ClassificationScale | undefined, key: string): string {
  const dimension = scale?.dimensions.find((candidate) => candidate.key === key);
  if (dimension === undefined) {
    return key;
  }
  return currentLanguage() === 'sv' ? dimension.nameSv : dimension.nameEn;
}

function levelName(scale: ClassificationScale | undefined, dimensionKey: string, level: number, t: Translate, format: Formatters): string {
  const found = scale?.dimensions.find((candidate) => candidate.key === dimensionKey)?.levels.find((candidate) => candidate.level === level);
  if (found === undefined) {
    return format.number(level);
  }
  return t('history.level', { level: format.number(level), name: currentLanguage() === 'sv' ? found.nameSv : found.nameEn });
}

/**
 * Returns the requirement's identifier from a statement entry's summary,
 * which the server writes as "<identifier> on <object name>: <status>".
 * NOTE: an identifier that itself contains " on " is cut there, because the
 * entry stores only the requirement's id besides this summary.
 */
function requirementIdentifier(summary: string): string | null {
  const end = summary.indexOf(' on ');
  return end > 0 ? summary.slice(0, end) : null;
}

/** Builds the sentence that describes one audit entry in the current language. */
function describeEntry(entry: AuditEntry, t: Translate, format: Formatters, names: MetaModelNames, scale: ClassificationScale | undefined): string {
  const before = isRecord(entry.before) ? entry.before : {};
  const after = isRecord(entry.after) ? entry.after : {};
  switch (entry.action) {
    case 'object.created':
    case 'object.deleted': {
      const object = (entry.action === 'object.created' ? after : before) as AuditedObject;
      const values = { type: names.typeName(object.type ?? ''), name: object.name ?? '' };
      return entry.action === 'object.created' ? t('history.action.objectCreated', values) : t('history.action.objectDeleted', values);
    }
    case 'object.updated':
      return t('history.action.objectUpdated');
    case 'relation.created':
    case 'relation.deleted': {
      const relation = (entry.action === 'relation.created' ? after : before) as AuditedRelation;
      const values = {
        source: relation.source?.name ?? '',
        relation: names.relationName(relation.type ?? '', 'outgoing'),
        target: relation.target?.name ?? '',
      };
      return entry.action === 'relation.created' ? t('history.action.relationCreated', values) : t('history.action.relationDeleted', values);
    }
    case 'classification.set': {
      const dimension = typeof after.dimension === 'string' ? after.dimension : '';
      const level = typeof after.level === 'number' ? levelName(scale, dimension, after.level, t, format) : '';
      const justification = typeof after.justification === 'string' ? after.justification : '';
      return t('history.action.classificationSet', { dimension: dimensionName(scale, dimension), level, justification });
    }
    case 'classification.removed': {
      const dimension = typeof before.dimension === 'string' ? before.dimension : '';
      return t('history.action.classificationRemoved', { dimension: dimensionName(scale, dimension) });
    }
    case 'statement.set':
    case 'statement.removed': {
      const requirement = requirementIdentifier(entry.summary) ?? t('history.action.aRequirement');
      if (entry.action === 'statement.removed') {
        return t('history.action.statementRemoved', { requirement });
      }
      const status = STATEMENT_STATUSES.find((candidate) => candidate === after.status);
      return t('history.action.statementSet', { requirement, status: status === undefined ? String(after.status) : t(`history.status.${status satisfies StatementStatus}`) });
    }
    default:
      return t('history.action.other', { summary: entry.summary });
  }
}

/**
 * Shows the object's history from the audit log (GET /api/audit?objectId=):
 * who changed what and when, newest first, with "show more" paging. It adds
 * the newest entries when a change notice may concern the object and when the
 * page shows a new version of the object or its relations, which covers the
 * user's own changes while the live connection is down.
 */
export function HistorySection({ object }: { object: ObjectWithRelations }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useMetaModel();
  const scale = useApiResource<ClassificationScale>('/api/classification/scale');
  const objectId = object.id;
  const loadPage = useCallback((cursor: string | null, signal: AbortSignal) => loadHistoryPage(objectId, cursor, signal), [objectId]);
  const list = usePagedList(objectId, loadPage);
  // Index of the first entry of the page "show more" asked for, which receives focus once it arrives.
  const [focusIndex, setFocusIndex] = useState<number | null>(null);

  // A change adds entries on top of those shown, so the older pages the user
  // opened stay open. Only when more entries arrived than one page holds,
  // which leaves a gap below them, does the list start again.
  const { reload, updateItems } = list;
  const shownItems = useRef(list.items);
  shownItems.current = list.items;
  const addNewest = useCallback(() => {
    const newestShown = shownItems.current[0]?.id;
    if (newestShown === undefined) {
      reload();
      return;
    }
    loadHistoryPage(objectId, null, new AbortController().signal).then(
      (page) => {
        const newer = page.items.filter((entry) => BigInt(entry.id) > BigInt(newestShown));
        if (newer.length === page.items.length && page.next !== null) {
          reload();
          return;
        }
        updateItems((items) => {
          const newest = items[0]?.id;
          return [...newer.filter((entry) => newest === undefined || BigInt(entry.id) > BigInt(newest)), ...items];
        });
      },
      () => reload(),
    );
  }, [objectId, reload, updateItems]);

  useLiveChanges((event) => {
    if (affectsHistory(event, objectId)) {
      addNewest();
    }
    if (event.type === 'reload' || (event.type === 'changed' && event.entity === 'classification-scale')) {
      scale.reload();
    }
  });

  const shownState = `${object.version} ${[...object.relations.outgoing, ...object.relations.incoming].map((relation) => relation.id).join(',')}`;
  const lastShownState = useRef(shownState);
  useEffect(() => {
    if (lastShownState.current !== shownState) {
      lastShownState.current = shownState;
      addNewest();
    }
  }, [shownState, addNewest]);

  const showMore = () => {
    setFocusIndex(list.items.length);
    list.loadMore();
  };
  const focusOnArrival = (index: number) => (element: HTMLLIElement | null) => {
    if (element !== null && index === focusIndex) {
      element.focus();
      setFocusIndex(null);
    }
  };

  return (
    <section aria-labelledby="history-heading" data-testid="history">
      <h2 id="history-heading">{t('history.heading')}</h2>
      <p className="hint">{t('history.hint')}</p>
      {list.items.length > 0 && (
        <ul className="history" data-testid="history-entries">
          {list.items.map((entry, index) => {
            const fields =
              entry.action === 'object.updated' && isRecord(entry.before) && isRecord(entry.after)
                ? changedFields(entry.before as AuditedObject, entry.after as AuditedObject, t, format, names)
                : [];
            return (
              <li key={entry.id} ref={focusOnArrival(index)} tabIndex={-1} data-testid="history-entry" data-action={entry.action}>
                <p data-testid="history-sentence">
                  {entry.action === 'object.updated' && fields.length === 0 ? t('history.action.objectUpdatedNothing') : describeEntry(entry, t, format, names, scale.data)}
                </p>
                {fields.length > 0 && (
                  <ul data-testid="history-changes">
                    {fields.map((field) => (
                      <li key={field.key} data-testid="history-change" data-field={field.key}>
                        {t('history.fieldChange', { field: field.label, from: field.from, to: field.to })}
                      </li>
                    ))}
                  </ul>
                )}
                <p className="muted" data-testid="history-by">
                  <span data-testid="history-actor">{actorName(entry.actor) ?? t('history.system')}</span>,{' '}
                  <time dateTime={entry.at}>{format.dateTime(entry.at)}</time>
                </p>
              </li>
            );
          })}
        </ul>
      )}
      {!list.loading && list.error === undefined && list.items.length === 0 && <p data-testid="history-empty">{t('history.empty')}</p>}
      <div aria-live="polite">
        {list.loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={list.error} testId="history-error" />
      </div>
      {list.hasMore && (
        <button type="button" data-testid="history-show-more" disabled={list.loading} onClick={showMore}>
          {t('history.showMore')}
        </button>
      )}
    </section>
  );
}
