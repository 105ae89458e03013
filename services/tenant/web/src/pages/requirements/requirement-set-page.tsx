import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import type { RequirementNode, RequirementSetDetail, RequirementSetGap } from '../../api/analysis';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat } from '../../hooks/use-format';
import { GapChart } from './gap-chart';

import '../analysis.css';

type RequirementCounts = RequirementSetGap['requirements'][number]['counts'];

interface RequirementTreeProps {
  nodes: RequirementNode[];
  counts: ReadonlyMap<string, RequirementCounts>;
}

/** Nested list of groups, requirements and sub-requirements with their statement text and gap counts. */
function RequirementTree({ nodes, counts }: RequirementTreeProps) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <ul className="requirement-tree">
      {nodes.map((node) => {
        const nodeCounts = counts.get(node.id);
        return (
          <li key={node.id} data-testid="requirement-node" data-identifier={node.identifier} data-kind={node.kind}>
            <p className="requirement-heading">
              <strong>{node.label ?? node.identifier}</strong> {node.title}
              {node.withdrawn && <span className="muted"> ({t('analysis.requirements.withdrawn')})</span>}
            </p>
            {node.statement !== null && node.statement !== '' && <p className="description requirement-statement">{node.statement}</p>}
            {nodeCounts !== undefined && nodeCounts.total > 0 && (
              <p className="muted" data-testid="requirement-counts">
                {t('analysis.requirements.countsLine', {
                  fulfilled: format.number(nodeCounts.fulfilled),
                  partly: format.number(nodeCounts.partly_fulfilled),
                  notFulfilled: format.number(nodeCounts.not_fulfilled),
                  notApplicable: format.number(nodeCounts.not_applicable),
                  missing: format.number(nodeCounts.no_statement),
                })}
              </p>
            )}
            {node.children.length > 0 && <RequirementTree nodes={node.children} counts={counts} />}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * /requirements/:id: one requirement set's gap analysis and its requirement
 * tree. The page is also the printable report: the print style sheet hides
 * the navigation and the controls.
 */
export function RequirementSetPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useParams().id ?? '';
  const set = useApiResource<RequirementSetDetail>(`/api/requirement-sets/${encodeURIComponent(id)}`);
  const gap = useApiResource<RequirementSetGap>(`/api/gap-analysis/requirement-sets/${encodeURIComponent(id)}`);
  const counts = new Map((gap.data?.requirements ?? []).map((requirement) => [requirement.id, requirement.counts]));

  if (set.data === undefined) {
    return (
      <div aria-live="polite">
        {set.loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={set.error} />
      </div>
    );
  }

  return (
    <article className="report">
      <title>{`${set.data.name} – ${t('app.name')}`}</title>
      <p className="no-print">
        <Link to="/requirements">{t('analysis.requirements.backToSets')}</Link>
      </p>
      <h1 data-testid="requirement-set-name">{set.data.name}</h1>
      {set.data.description !== null && set.data.description !== '' && <p className="description">{set.data.description}</p>}
      <p className="muted">{t('analysis.requirements.printedOn', { date: format.dateTime(new Date()) })}</p>
      <p className="no-print">
        <button type="button" data-testid="report-print" onClick={() => window.print()}>
          {t('analysis.requirements.print')}
        </button>
      </p>

      <section aria-labelledby="set-gap-heading">
        <h2 id="set-gap-heading">{t('analysis.gap.title')}</h2>
        <p>{t('analysis.gap.setIntro')}</p>
        <ErrorMessage error={gap.error} />
        {gap.data !== undefined && <GapChart totals={gap.data.totals} caption={t('analysis.gap.setCaption', { name: set.data.name })} testId="set-gap" />}
      </section>

      <section aria-labelledby="set-tree-heading">
        <h2 id="set-tree-heading">{t('analysis.requirements.tree')}</h2>
        <RequirementTree nodes={set.data.requirements} counts={counts} />
      </section>
    </article>
  );
}
