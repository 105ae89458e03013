import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { RequirementSetSummary } from '../../api/analysis';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat } from '../../hooks/use-format';

import '../analysis.css';

/** /requirements: the tenant's requirement sets, each linking to its requirements and gap analysis. */
export function RequirementSetsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { data, error, loading } = useApiResource<{ requirementSets: RequirementSetSummary[] }>('/api/requirement-sets');

  return (
    <>
      <title>{`${t('analysis.requirements.title')} – ${t('app.name')}`}</title>
      <h1>{t('analysis.requirements.title')}</h1>
      <div aria-live="polite">
        {loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={error} />
        {data !== undefined && data.requirementSets.length === 0 && <p data-testid="requirement-sets-empty">{t('analysis.requirements.none')}</p>}
      </div>
      {data !== undefined && data.requirementSets.length > 0 && (
        <table data-testid="requirement-sets">
          <thead>
            <tr>
              <th scope="col">{t('analysis.requirements.set')}</th>
              <th scope="col">{t('analysis.requirements.requirementCount')}</th>
              <th scope="col">{t('analysis.requirements.statementCount')}</th>
            </tr>
          </thead>
          <tbody>
            {data.requirementSets.map((set) => (
              <tr key={set.id} data-testid="requirement-set-row">
                <td>
                  <Link to={`/requirements/${encodeURIComponent(set.id)}`} data-testid="requirement-set-link">
                    {set.name}
                  </Link>
                </td>
                <td className="number">{format.number(set.counts.requirements)}</td>
                <td className="number">{format.number(set.counts.statements)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
