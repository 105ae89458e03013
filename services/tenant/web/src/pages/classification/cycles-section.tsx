import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import './cycles.css';

import type { ObjectSummary } from '../../api/classification';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat } from '../../hooks/use-format';
import { useLiveChanges } from '../../hooks/use-live-changes';
import { useMetaModel } from '../../hooks/use-meta-model';
import { useIsAdministrator } from '../../session/session-context';
import { RecomputeButton } from './recompute-button';

/** GET /api/classification/cycles: the strongly connected parts of the graph of relations that carry levels. */
interface CycleList {
  cycles: { objects: ObjectSummary[] }[];
}

// Notices that can add or remove a cycle (relations, object types, protection flows, imports) or rename one of its objects.
const CYCLE_ENTITIES = new Set(['object', 'relation', 'object-type', 'relation-type', 'model']);

/**
 * Lists the cycles of relations that carry levels, each as links to its
 * objects, and explains what a cycle means for inherited levels.
 * Administrators also get the button that recomputes every inherited level.
 */
export function CyclesSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useMetaModel();
  const isAdministrator = useIsAdministrator();
  const { data, error, loading, reload } = useApiResource<CycleList>('/api/classification/cycles');

  useLiveChanges((event) => {
    if (event.type === 'reload' || CYCLE_ENTITIES.has(event.entity)) {
      reload();
    }
  });

  return (
    <section aria-labelledby="cycles-heading" className="panel" data-testid="cycles">
      <h2 id="cycles-heading">{t('classificationAdmin.cyclesHeading')}</h2>
      <p>{t('classificationAdmin.cyclesIntro')}</p>
      <div aria-live="polite">
        {loading && <p>{t('classificationAdmin.cyclesLoading')}</p>}
        <ErrorMessage error={error} testId="cycles-error" />
        {data?.cycles.length === 0 && <p data-testid="no-cycles">{t('classificationAdmin.noCycles')}</p>}
      </div>

      {data !== undefined && data.cycles.length > 0 && (
        <ul className="cycle-list" data-testid="cycle-list" data-count={data.cycles.length}>
          {data.cycles.map((cycle, index) => (
            <li key={cycle.objects.map((object) => object.id).join(',')} data-testid="cycle" data-size={cycle.objects.length}>
              <h3>{t('classificationAdmin.cycleHeading', { number: format.number(index + 1) })}</h3>
              <ul>
                {cycle.objects.map((object) => (
                  <li key={object.id} data-testid="cycle-object" data-id={object.id}>
                    <Link to={`/objects/${encodeURIComponent(object.id)}`} data-testid="cycle-object-link">
                      {object.name}
                    </Link>{' '}
                    <span className="muted">({names.typeName(object.type)})</span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}

      {isAdministrator && <RecomputeButton onRecomputed={reload} />}
    </section>
  );
}
