import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { queryString } from '../../api/client';
import type { ClassificationScale, ObjectClassification, ObjectStatements } from '../../api/classification';
import type { ObjectWithRelations } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat } from '../../hooks/use-format';
import { useLiveChanges } from '../../hooks/use-live-changes';
import { reloadMetaModel, useMetaModel } from '../../hooks/use-meta-model';
import type { LiveEvent } from '../../live/live-connection';
import { useCanWrite } from '../../session/session-context';
import { AddRelationForm } from './add-relation-form';
import { AttributeList } from './attribute-list';
import { ClassificationSection } from './classification-section';
import { EditObjectForm } from './edit-object-form';
import { HistorySection } from './history-section';
import { RelationTable } from './relation-table';
import { StatementsSection } from './statements-section';

/** Returns whether a change notice names the object, directly or among the ids it lists. */
function concerns(event: LiveEvent, id: string): boolean {
  if (event.type === 'reload') {
    return true;
  }
  return event.id === id || event.truncated === true || (event.ids ?? []).includes(id);
}

/**
 * /objects/:id: one object's fields, attributes, relations, classification
 * and compliance statements. Change notices about the object reload what
 * they touch, so changes by others appear without reloading the page.
 */
export function ObjectPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useParams().id ?? '';
  const canWrite = useCanWrite();
  const { typeName } = useMetaModel();
  const objectPath = `/api/objects/${encodeURIComponent(id)}`;
  const { data: object, error, loading, reload } = useApiResource<ObjectWithRelations>(objectPath);
  const classification = useApiResource<ObjectClassification>(`${objectPath}/classification`);
  const scale = useApiResource<ClassificationScale>('/api/classification/scale');
  const statements = useApiResource<ObjectStatements>(`${objectPath}/statements`);
  // The id of an object that a live notice reported as deleted while the page showed it.
  const [deletedId, setDeletedId] = useState<string | null>(null);

  useLiveChanges((event) => {
    if (event.type === 'changed' && (event.entity === 'object-type' || event.entity === 'relation-type')) {
      reloadMetaModel();
    }
    if (event.type === 'changed' && event.entity === 'object' && event.id === id && event.action === 'deleted') {
      setDeletedId(id);
      return;
    }
    const everything = event.type === 'reload' || (event.type === 'changed' && event.entity === 'model');
    if (everything || (event.type === 'changed' && event.entity === 'relation') || (event.type === 'changed' && event.entity === 'object' && concerns(event, id))) {
      reload();
    }
    if (everything || (event.type === 'changed' && event.entity === 'classification' && concerns(event, id))) {
      classification.reload();
    }
    if (everything || (event.type === 'changed' && event.entity === 'classification-scale')) {
      scale.reload();
    }
    if (everything || (event.type === 'changed' && (event.entity === 'statement' || event.entity === 'applicability-rule' || event.entity === 'requirement-set'))) {
      statements.reload();
    }
  });

  if (deletedId === id) {
    return <p data-testid="object-deleted">{t('modelObjects.live.deleted')}</p>;
  }
  if (object === undefined) {
    return (
      <div aria-live="polite">
        {loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={error} />
      </div>
    );
  }

  const relationsChanged = () => {
    reload();
    classification.reload();
  };

  return (
    <>
      <title>{`${object.name} – ${t('app.name')}`}</title>
      <p>
        <Link to={`/objects${queryString({ type: object.type })}`}>{t('object.backToType', { type: typeName(object.type) })}</Link>
      </p>
      <h1 data-testid="object-name">{object.name}</h1>
      <p>
        <Link to={`/objects/${encodeURIComponent(object.id)}/graph`} data-testid="object-graph-link">
          {t('analysis.graph.link')}
        </Link>{' '}
        <Link to={`/objects/${encodeURIComponent(object.id)}/statements`} data-testid="object-statements-link">
          {t('analysis.statements.link')}
        </Link>
      </p>
      <dl className="fields">
        <dt>{t('object.type')}</dt>
        <dd data-testid="object-type" data-type={object.type}>
          {typeName(object.type)}
        </dd>
        <dt>{t('object.description')}</dt>
        <dd data-testid="object-description" className="description">
          {object.description !== null && object.description !== '' ? object.description : t('object.noDescription')}
        </dd>
        <dt>{t('object.version')}</dt>
        <dd data-testid="object-version">{format.number(object.version)}</dd>
        <dt>{t('object.createdAt')}</dt>
        <dd>
          <time dateTime={object.createdAt}>{format.dateTime(object.createdAt)}</time>
        </dd>
        <dt>{t('object.updatedAt')}</dt>
        <dd>
          <time dateTime={object.updatedAt}>{format.dateTime(object.updatedAt)}</time>
        </dd>
      </dl>

      {/* The key gives each object a fresh form, whose state otherwise outlives a link to another object. */}
      {canWrite && <EditObjectForm key={object.id} object={object} onChanged={reload} />}

      <section aria-labelledby="attributes-heading">
        <h2 id="attributes-heading">{t('object.attributes')}</h2>
        <AttributeList object={object} />
      </section>

      <section aria-labelledby="outgoing-heading">
        <h2 id="outgoing-heading">{t('object.outgoing')}</h2>
        <RelationTable relations={object.relations.outgoing} direction="outgoing" testId="relations-outgoing" onRemoved={canWrite ? relationsChanged : undefined} />
      </section>

      <section aria-labelledby="incoming-heading">
        <h2 id="incoming-heading">{t('object.incoming')}</h2>
        <RelationTable relations={object.relations.incoming} direction="incoming" testId="relations-incoming" onRemoved={canWrite ? relationsChanged : undefined} />
      </section>

      {canWrite && <AddRelationForm key={object.id} object={object} onAdded={relationsChanged} />}

      <ClassificationSection
        classification={classification.data}
        scale={scale.data}
        error={classification.error ?? scale.error}
        canWrite={canWrite}
        onChanged={classification.reload}
      />

      <StatementsSection statements={statements.data} error={statements.error} />

      <HistorySection object={object} />
    </>
  );
}
