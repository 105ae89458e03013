import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import type { RequirementNode, RequirementSetGap } from '../../api/analysis';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat } from '../../hooks/use-format';
import { useIsAdministrator } from '../../session/session-context';
import { ApplicabilityRules } from './applicability-rules';
import { GapChart } from './gap-chart';
import type { RequirementSetWithSource } from './requirement-admin-api';
import { RequirementControls } from './requirement-controls';
import { NewRequirementForm, requirementName, type RequirementChange } from './requirement-form';
import { SetAdministration } from './set-administration';

import '../analysis.css';

type RequirementCounts = RequirementSetGap['requirements'][number]['counts'];

interface RequirementTreeProps {
  nodes: RequirementNode[];
  counts: ReadonlyMap<string, RequirementCounts>;
  /** Administrators' controls shown under a node, if any. */
  renderControls?: (node: RequirementNode) => ReactNode;
}

/** Nested list of groups, requirements and sub-requirements with their statement text and gap counts. */
function RequirementTree({ nodes, counts, renderControls }: RequirementTreeProps) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <ul className="requirement-tree">
      {nodes.map((node) => {
        const nodeCounts = counts.get(node.id);
        return (
          <li key={node.id} data-testid="requirement-node" data-requirement-id={node.id} data-identifier={node.identifier} data-kind={node.kind}>
            <p className="requirement-heading">
              <strong>{requirementName(node)}</strong> {node.title}
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
            {renderControls?.(node)}
            {node.children.length > 0 && <RequirementTree nodes={node.children} counts={counts} renderControls={renderControls} />}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * /requirements/:id: one requirement set's gap analysis, its requirement
 * tree and its applicability rules, with the controls that maintain them for
 * administrators. The page is also the printable report: the print style
 * sheet hides the navigation and the controls.
 */
export function RequirementSetPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useParams().id ?? '';
  const isAdministrator = useIsAdministrator();
  const set = useApiResource<RequirementSetWithSource>(`/api/requirement-sets/${encodeURIComponent(id)}`);
  const gap = useApiResource<RequirementSetGap>(`/api/gap-analysis/requirement-sets/${encodeURIComponent(id)}`);
  const counts = new Map((gap.data?.requirements ?? []).map((requirement) => [requirement.id, requirement.counts]));
  const [addingRequirement, setAddingRequirement] = useState(false);
  // The change, not its message, is kept, so the message follows the language switch.
  const [treeStatus, setTreeStatus] = useState<RequirementChange | null>(null);

  const requirementsChanged = (change: RequirementChange | null) => {
    setTreeStatus(change);
    set.reload();
    gap.reload();
  };

  if (set.data === undefined) {
    return (
      <div aria-live="polite">
        {set.loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={set.error} />
      </div>
    );
  }

  const manual = set.data.source.format === 'manual';
  return (
    <article className="report">
      <title>{`${set.data.name} – ${t('app.name')}`}</title>
      <p className="no-print">
        <Link to="/requirements">{t('analysis.requirements.backToSets')}</Link>
      </p>
      <h1 data-testid="requirement-set-name">{set.data.name}</h1>
      {set.data.description !== null && set.data.description !== '' && <p className="description">{set.data.description}</p>}
      {isAdministrator && <SetAdministration set={set.data} reloadSet={set.reload} />}
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
        <div aria-live="polite">
          {treeStatus !== null && (
            <p className="success no-print" data-testid="requirement-status">
              {treeStatus.action === 'added'
                ? t('requirementAdmin.requirementAdded', { identifier: treeStatus.identifier })
                : t('requirementAdmin.requirementSaved', { identifier: treeStatus.identifier })}
            </p>
          )}
        </div>
        {isAdministrator && manual && (
          <div className="no-print">
            <p className="actions">
              <button
                type="button"
                className="secondary"
                data-testid="requirement-add"
                aria-expanded={addingRequirement}
                onClick={() => setAddingRequirement((current) => !current)}
              >
                {t('requirementAdmin.addRequirement')}
              </button>
            </p>
            {addingRequirement && (
              <NewRequirementForm
                setId={set.data.id}
                tree={set.data.requirements}
                onAdded={(identifier) => requirementsChanged({ action: 'added', identifier })}
              />
            )}
          </div>
        )}
        <RequirementTree
          nodes={set.data.requirements}
          counts={counts}
          renderControls={isAdministrator ? (node) => <RequirementControls node={node} editable={manual} onChanged={requirementsChanged} /> : undefined}
        />
      </section>

      <ApplicabilityRules
        subject={{ kind: 'set', id: set.data.id }}
        heading={t('requirementAdmin.rulesTitle')}
        intro={t('requirementAdmin.rulesIntro')}
        emptyText={t('requirementAdmin.noRules')}
        editable={isAdministrator}
        onChanged={gap.reload}
      />
    </article>
  );
}
