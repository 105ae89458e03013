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
import { StatementForm } from './statement-form';

import '../analysis.css';

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

  const requirements = gap.requirementSets.flatMap((set) => set.requirements);
  const chosen: ObjectGapRequirement[] = requirements.filter((requirement) => chosenIds.has(requirement.id));
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
      {canWrite && requirements.length > 0 && <StatementForm objectId={id} chosen={chosen} onSaved={reload} />}

      {gap.requirementSets.map((set) => {
        const allChosen = set.requirements.every((requirement) => chosenIds.has(requirement.id));
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
                        onChange={(event) => toggleSet(set.requirements, event.target.checked)}
                      />
                    </th>
                  )}
                  <th scope="col">{t('analysis.requirements.identifier')}</th>
                  <th scope="col">{t('analysis.requirements.requirement')}</th>
                  <th scope="col">{t('analysis.gap.status')}</th>
                </tr>
              </thead>
              <tbody>
                {set.requirements.map((requirement) => (
                  <tr key={requirement.id} data-testid="statement-row" data-identifier={requirement.identifier} data-status={requirement.status}>
                    {canWrite && (
                      <td>
                        <input
                          type="checkbox"
                          id={`choose-${requirement.id}`}
                          data-testid="statement-choose"
                          checked={chosenIds.has(requirement.id)}
                          onChange={(event) => toggle(requirement.id, event.target.checked)}
                          aria-label={t('analysis.statements.choose', { identifier: requirement.label ?? requirement.identifier })}
                        />
                      </td>
                    )}
                    <td>{requirement.label ?? requirement.identifier}</td>
                    <td>{requirement.title}</td>
                    <td>
                      <span className="swatch" style={{ backgroundColor: GAP_COLOURS[requirement.status] }} aria-hidden="true" />{' '}
                      {t(`analysis.status.${requirement.status}`)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </>
  );
}
