import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';

import type { RequirementSetGap, RequirementSetSummary } from '../../api/analysis';
import { apiRequest } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat } from '../../hooks/use-format';
import { useIsAdministrator } from '../../session/session-context';
import { GapComparisonChart, type GapComparisonRow } from './gap-chart';
import { NewSetForm } from './set-form';

import '../analysis.css';

/**
 * Maximum number of sets in the comparison chart. The gap analysis has one
 * route per set, so the page sends one request per compared set.
 */
const MAX_COMPARED_SETS = 20;

interface SetGaps {
  rows: GapComparisonRow[] | undefined;
  error: unknown;
}

/** Loads the gap totals of the given sets, in their order, and again when the list of sets changes. */
function useRequirementSetGaps(sets: RequirementSetSummary[] | undefined): SetGaps {
  const [outcome, setOutcome] = useState<{ key: string } & SetGaps>({ key: '', rows: undefined, error: undefined });
  const key = sets === undefined ? '' : sets.map((set) => `${set.id}@${set.version}`).join(',');

  useEffect(() => {
    if (sets === undefined || sets.length === 0) {
      return;
    }
    const controller = new AbortController();
    Promise.all(
      sets.map((set) =>
        apiRequest<RequirementSetGap>(`/api/gap-analysis/requirement-sets/${encodeURIComponent(set.id)}`, { signal: controller.signal }).then(
          (gap): GapComparisonRow => ({ id: set.id, name: set.name, totals: gap.totals }),
        ),
      ),
    )
      .then((rows) => setOutcome({ key, rows, error: undefined }))
      .catch((error: unknown) => {
        // An aborted request belongs to a list of sets the page no longer shows.
        if (!controller.signal.aborted) {
          setOutcome({ key, rows: undefined, error });
        }
      });
    return () => controller.abort();
    // `key` changes exactly when the ids or versions of the sets do, so a new array with the same sets loads nothing again.
  }, [key]);

  return outcome.key === key ? { rows: outcome.rows, error: outcome.error } : { rows: undefined, error: undefined };
}

/** /requirements: the tenant's requirement sets, each linking to its requirements and gap analysis, and for administrators a form that creates a set. */
export function RequirementSetsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const isAdministrator = useIsAdministrator();
  const { data, error, loading } = useApiResource<{ requirementSets: RequirementSetSummary[] }>('/api/requirement-sets');
  const comparedSets = data?.requirementSets.slice(0, MAX_COMPARED_SETS);
  const gaps = useRequirementSetGaps(comparedSets);

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
      {comparedSets !== undefined && comparedSets.length > 0 && (
        <section aria-labelledby="sets-gap-heading" data-testid="sets-gap-section">
          <h2 id="sets-gap-heading">{t('analysis.gap.title')}</h2>
          <p>{t('analysis.gap.setsIntro')}</p>
          {data !== undefined && data.requirementSets.length > MAX_COMPARED_SETS && (
            <p data-testid="sets-gap-truncated">{t('analysis.gap.setsTruncated', { shown: format.number(MAX_COMPARED_SETS), total: format.number(data.requirementSets.length) })}</p>
          )}
          <div aria-live="polite">
            {gaps.rows === undefined && gaps.error === undefined && <p>{t('app.loading')}</p>}
            <ErrorMessage error={gaps.error} />
          </div>
          {gaps.rows !== undefined && <GapComparisonChart rows={gaps.rows} caption={t('analysis.gap.setsCaption')} testId="sets-gap" />}
        </section>
      )}
      {isAdministrator && <NewSetForm onCreated={(id) => void navigate(`/requirements/${encodeURIComponent(id)}`)} />}
    </>
  );
}
