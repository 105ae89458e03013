import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import type { ObjectGap, ObjectGapRequirement } from '../../api/analysis';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useMetaModel } from '../../hooks/use-meta-model';
import { useCanWrite } from '../../session/session-context';
import { GapChart, GAP_COLOURS } from './gap-chart';
import { OrganisationUnitGap } from './organisation-unit-gap';
import { requirementName } from './requirement-form';
import { StatementForm } from './statement-form';

import '../analysis.css';

/**
 * A row of the object's gap analysis. The server lists requirements only, but
 * a group that it might send (kind 'group') is shown as a heading, because
 * the statement routes reject groups with STATEMENT_REQUIREMENT_IS_GROUP.
 */
type StatementRow = ObjectGapRequirement & { kind?: 'group' | 'requirement' };

function isGroup(row: StatementRow): boolean {
  return row.kind === 'group';
}

/** /objects/:id/statements: the object's gap analysis, and for writers a form that sets statements one by one or in bulk. */
export function ObjectStatementsPage() {
  const { t } = useTranslation();
  const id = useParams().id ?? '';
  const canWrite = useCanWrite();
  const names = useMetaModel();
  const { data: gap, error, loading, reload } = useApiResource<ObjectGap>(`/api/gap-analysis/objects/${encodeURIComponent(id)}`);
  const [chosenIds, setChosenIds] = useState<ReadonlySet<string>>(new Set());

  if (gap === undefined) {
    return (
      <div aria-live="polite">
        {loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={error} />
      </div>
    );
  }

  const requirements: StatementRow[] = gap.requirementSets.flatMap((set) => set.requirements).filter((row: StatementRow) => !isGroup(row));
  const chosen: ObjectGapRequirement[] = requirements.filter((requirement) => chosenIds.has(requirement.id));
  // A saved round ends the selection, so that the next save only reaches requirements chosen again.
  const saved = () => {
    setChosenIds(new Set());
    reload();
  };
  const toggle = (requirementId: string, checked: boolean) => {
    const next = new Set(chosenIds);
    if (checked) {
      next.add(requirementId);
    } else {
      next.delete(requirementId);
    }
    setChosenIds(next);
  };
  const toggleSet = (setRequirements: ObjectGapRequirement[], checked: boolean) => {
    const next = new Set(chosenIds);
    for (const requirement of setRequirements) {
      if (checked) {
        next.add(requirement.id);
      } else {
        next.delete(requirement.id);
      }
    }
    setChosenIds(next);
  };

  return (
    <>
      <title>{`${t('analysis.statements.title', { name: gap.object.name })} – ${t('app.name')}`}</title>
      <p>
        <Link to={`/objects/${encodeURIComponent(id)}`}>{t('analysis.graph.backToObject', { name: gap.object.name })}</Link>
      </p>
      <h1 data-testid="statements-title">{t('analysis.statements.title', { name: gap.object.name })}</h1>

      <section aria-labelledby="object-gap-heading">
        <h2 id="object-gap-heading">{t('analysis.gap.title')}</h2>
        <GapChart totals={gap.totals} caption={t('analysis.gap.objectCaption', { name: gap.object.name })} testId="object-gap" />
      </section>

      {names.objectType(gap.object.type)?.role === 'organisation_unit' && <OrganisationUnitGap id={id} name={gap.object.name} />}

      {requirements.length === 0 && <p data-testid="statements-none">{t('analysis.statements.noneApply')}</p>}
      {canWrite && requirements.length > 0 && <StatementForm objectId={id} chosen={chosen} onSaved={saved} />}

      {gap.requirementSets.map((set) => {
        const setRequirements = set.requirements.filter((row: StatementRow) => !isGroup(row));
        const allChosen = setRequirements.length > 0 && setRequirements.every((requirement) => chosenIds.has(requirement.id));
        return (
          <section key={set.id} aria-labelledby={`statements-${set.id}`}>
            <h2 id={`statements-${set.id}`}>{set.name}</h2>
            <table data-testid="statement-table">
              <thead>
                <tr>
                  {canWrite && (
                    <th scope="col">
                      <input
                        type="checkbox"
                        aria-label={t('analysis.statements.chooseAll', { name: set.name })}
                        data-testid="statement-choose-all"
                        checked={allChosen}
                        disabled={setRequirements.length === 0}
                        onChange={(event) => toggleSet(setRequirements, event.target.checked)}
                      />
                    </th>
                  )}
                  <th scope="col">{t('analysis.requirements.identifier')}</th>
                  <th scope="col">{t('analysis.requirements.requirement')}</th>
                  <th scope="col">{t('analysis.gap.status')}</th>
                </tr>
              </thead>
              <tbody>
                {set.requirements.map((row: StatementRow) => {
                  const name = requirementName(row);
                  // NIST CSF subcategories have their identifier as title, which the first column already shows.
                  const title = row.title === name || row.title === row.identifier ? '' : row.title;
                  if (isGroup(row)) {
                    return (
                      <tr key={row.id} className="statement-group" data-testid="statement-group" data-identifier={row.identifier}>
                        {canWrite && <td />}
                        <th scope="row" colSpan={2}>
                          {title === '' ? name : `${name} ${title}`}
                        </th>
                        <td />
                      </tr>
                    );
                  }
                  return (
                    <tr key={row.id} data-testid="statement-row" data-identifier={row.identifier} data-status={row.status}>
                      {canWrite && (
                        <td>
                          <input
                            type="checkbox"
                            id={`choose-${row.id}`}
                            data-testid="statement-choose"
                            checked={chosenIds.has(row.id)}
                            onChange={(event) => toggle(row.id, event.target.checked)}
                            aria-label={t('analysis.statements.choose', { identifier: name })}
                          />
                        </td>
                      )}
                      <td data-testid="statement-name">{name}</td>
                      <td data-testid="statement-title">{title}</td>
                      <td>
                        <span className="swatch" style={{ backgroundColor: GAP_COLOURS[row.status] }} aria-hidden="true" />{' '}
                        {t(`analysis.status.${row.status}`)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        );
      })}
    </>
  );
}
