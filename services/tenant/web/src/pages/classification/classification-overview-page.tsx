import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import '../analysis.css';

import { queryString } from '../../api/client';
import type { ClassificationOverview } from '../../api/analysis';
import type { ObjectTypeCount } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat } from '../../hooks/use-format';
import { useLiveChanges } from '../../hooks/use-live-changes';
import { useMetaModel } from '../../hooks/use-meta-model';
import { currentLanguage } from '../../i18n';
import { CyclesSection } from './cycles-section';
import { LevelDistribution } from './level-distribution';

// Notices about compliance, which change neither objects, levels nor names, so the counts stay as they are.
const COMPLIANCE_ENTITIES = new Set(['statement', 'applicability-rule']);

/** /classification: how many objects have each effective level, per dimension, as charts and tables. */
export function ClassificationOverviewPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useMetaModel();
  const swedish = currentLanguage() === 'sv';
  const [search, setSearch] = useSearchParams();
  const type = search.get('type') ?? '';
  const types = useApiResource<{ types: ObjectTypeCount[] }>('/api/object-types');
  const { data: overview, error, loading, reload } = useApiResource<ClassificationOverview>(`/api/classification/overview${queryString({ type })}`);

  useLiveChanges((event) => {
    if (event.type === 'reload' || !COMPLIANCE_ENTITIES.has(event.entity)) {
      reload();
    }
    if (event.type === 'reload' || event.entity === 'object' || event.entity === 'object-type' || event.entity === 'model') {
      types.reload();
    }
  });

  return (
    <>
      <title>{`${t('analysis.overview.title')} – ${t('app.name')}`}</title>
      <h1>{t('analysis.overview.title')}</h1>
      <p>{t('analysis.overview.intro')}</p>
      <div className="field">
        <label htmlFor="overview-type">{t('analysis.overview.type')}</label>
        <select
          id="overview-type"
          data-testid="overview-type"
          value={type}
          onChange={(event) => setSearch(event.target.value === '' ? {} : { type: event.target.value })}
        >
          <option value="">{t('analysis.overview.allTypes')}</option>
          {(types.data?.types ?? []).map((entry) => (
            <option key={entry.type} value={entry.type}>
              {names.typeName(entry.type)}
            </option>
          ))}
        </select>
      </div>

      <div aria-live="polite">
        {loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={error} />
        {overview !== undefined && (
          <p data-testid="overview-total" data-count={overview.objects}>
            {t('analysis.overview.total', { objects: format.number(overview.objects) })}
          </p>
        )}
      </div>

      {overview?.dimensions.map((dimension) => (
        <LevelDistribution
          key={dimension.dimension}
          dimension={dimension}
          dimensionName={swedish ? dimension.nameSv : dimension.nameEn}
          total={overview.objects}
        />
      ))}

      <CyclesSection />
    </>
  );
}
