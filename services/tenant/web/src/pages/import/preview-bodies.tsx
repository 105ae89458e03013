import { useTranslation } from 'react-i18next';

import { useFormat } from '../../hooks/use-format';
import { CountsTable, TypeChangesTable, type TypeChanges } from './import-preview';

/** The per-type counts that every model-changing preview has. */
interface ByType {
  objectsByType: TypeChanges[];
  relationsByType: TypeChanges[];
}

/** Result of POST /api/imports/archimate?dryRun=true. */
export interface ArchimatePreview extends ByType {
  objects: number;
  relations: number;
  created: { objects: number; relations: number };
  updated: { objects: number; relations: number };
  unchanged: { objects: number; relations: number };
  createdObjectTypes: string[];
  createdAttributes: string[];
}

/** The count keys of a model or template import, in the order they are shown. */
export const MODEL_COUNT_KEYS = [
  'objectTypes',
  'relationTypes',
  'classificationDimensions',
  'objects',
  'levels',
  'requirementSets',
  'requirements',
  'applicabilityRules',
  'relations',
  'statements',
] as const;

/** Result of a model or template import with dryRun=true: the import's counts, then the changes by type. */
export type ModelPreview = Partial<Record<(typeof MODEL_COUNT_KEYS)[number], number>> & ByType;

/** Result of POST /api/requirement-sets/imports/oscal?dryRun=true. */
export interface OscalPreview {
  catalog: { title: string; uuid: string; version: string; lastModified: string | null };
  stored: { title: string; uuid: string | null; version: string | null; lastModified: string | null } | null;
  older: boolean;
  created: boolean;
  groups: number;
  requirements: number;
  added: number;
  changed: number;
  unchanged: number;
  withdrawn: number;
}

function ByTypeTables({ changes, testId }: { changes: ByType; testId: string }) {
  const { t } = useTranslation();
  return (
    <>
      <TypeChangesTable caption={t('importPreview.objectTypesCaption')} changes={changes.objectsByType} testId={`${testId}-object-types`} />
      <TypeChangesTable caption={t('importPreview.relationTypesCaption')} changes={changes.relationsByType} testId={`${testId}-relation-types`} />
    </>
  );
}

/** Totals of objects and relations to create, update and leave unchanged, then the same by type. */
export function ArchimatePreviewBody({ preview, testId }: { preview: ArchimatePreview; testId: string }) {
  const { t } = useTranslation();
  const kinds = ['objects', 'relations'] as const;
  return (
    <>
      <CountsTable
        caption={t('importPreview.totalsCaption')}
        rowHeader={t('importPreview.table.what')}
        testId={`${testId}-totals`}
        columns={(['created', 'updated', 'unchanged'] as const).map((key) => ({ key, label: t(`importPreview.table.${key}`) }))}
        rows={kinds.map((kind) => ({
          key: kind,
          label: t(`importPreview.kinds.${kind}`),
          values: { created: preview.created[kind], updated: preview.updated[kind], unchanged: preview.unchanged[kind] },
        }))}
      />
      {preview.createdObjectTypes.length > 0 && <p>{t('importPreview.createdObjectTypes', { types: preview.createdObjectTypes.join(', ') })}</p>}
      {preview.createdAttributes.length > 0 && <p>{t('importPreview.createdAttributes', { attributes: preview.createdAttributes.join(', ') })}</p>}
      <ByTypeTables changes={preview} testId={testId} />
    </>
  );
}

/** Renders the counts of a model or template import, then the objects and relations it would create by type. */
export function ModelPreviewBody({ preview, testId }: { preview: ModelPreview; testId: string }) {
  const { t } = useTranslation();
  return (
    <>
      <CountsTable
        caption={t('importPreview.totalsCaption')}
        rowHeader={t('importPreview.table.what')}
        testId={`${testId}-totals`}
        columns={[{ key: 'created', label: t('importPreview.table.created') }]}
        rows={MODEL_COUNT_KEYS.flatMap((key) => {
          const value = preview[key];
          return typeof value === 'number' ? [{ key, label: t(`administration.dataImports.counts.${key}`), values: { created: value } }] : [];
        })}
      />
      <ByTypeTables changes={preview} testId={testId} />
    </>
  );
}

/** Renders the catalog, the set it would create or update, a warning when it is older, and the requirement counts. */
export function OscalPreviewBody({ preview, testId }: { preview: OscalPreview; testId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const counts = ['requirements', 'groups', 'added', 'changed', 'unchanged', 'withdrawn'] as const;
  const storedText = preview.stored?.lastModified ? format.dateTime(preview.stored.lastModified) : (preview.stored?.version ?? '');
  return (
    <>
      <p data-testid={`${testId}-catalog`}>
        {t('importPreview.oscal.catalog', { title: preview.catalog.title, version: preview.catalog.version })}
        {preview.catalog.lastModified !== null && <> {t('importPreview.oscal.lastModified', { date: format.dateTime(preview.catalog.lastModified) })}</>}
      </p>
      <p>{preview.created ? t('importPreview.oscal.newSet') : t('importPreview.oscal.updatesSet', { version: preview.stored?.version ?? '' })}</p>
      {preview.older && (
        <p className="notice" data-testid={`${testId}-older`}>
          {t('importPreview.oscal.older', { stored: storedText })}
        </p>
      )}
      <CountsTable
        caption={t('importPreview.oscal.countsCaption')}
        rowHeader={t('importPreview.table.what')}
        testId={`${testId}-counts`}
        columns={[{ key: 'count', label: t('importPreview.table.count') }]}
        rows={counts.map((key) => ({ key, label: t(`importPreview.oscal.counts.${key}`), values: { count: preview[key] } }))}
      />
    </>
  );
}
