import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { GAP_CATEGORIES, type OrganisationUnitGap as OrganisationUnitGapData } from '../../api/analysis';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat } from '../../hooks/use-format';
import { GapChart } from './gap-chart';

/** Gap analysis of an organisation unit and the objects it reaches, in total and per requirement set. */
export function OrganisationUnitGap({ id, name }: { id: string; name: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { data, error, loading } = useApiResource<OrganisationUnitGapData>(`/api/gap-analysis/organisation-units/${encodeURIComponent(id)}`);

  return (
    <section aria-labelledby="unit-gap-heading" data-testid="unit-gap-section">
      <h2 id="unit-gap-heading">{t('analysis.gap.unitTitle')}</h2>
      <div aria-live="polite">
        {loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={error} />
      </div>
      {data !== undefined && (
        <>
          <p data-testid="unit-gap-objects" data-count={data.objects}>
            {t('analysis.gap.unitIntro', { objects: format.number(data.objects) })}
          </p>
          <GapChart totals={data.totals} caption={t('analysis.gap.unitCaption', { name })} testId="unit-gap" />
          {data.requirementSets.length > 0 && (
            <table data-testid="unit-gap-sets">
              <caption className="visually-hidden">{t('analysis.gap.unitSetsCaption', { name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('analysis.requirements.set')}</th>
                  {GAP_CATEGORIES.map((category) => (
                    <th key={category} scope="col">
                      {t(`analysis.status.${category}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.requirementSets.map((set) => (
                  <tr key={set.id}>
                    <th scope="row">
                      <Link to={`/requirements/${encodeURIComponent(set.id)}`}>{set.name}</Link>
                    </th>
                    {GAP_CATEGORIES.map((category) => (
                      <td key={category} className="number">
                        {format.number(set.totals[category])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
