import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { queryString } from '../../api/client';
import type { ObjectWithRelations } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useFormat } from '../../hooks/use-format';
import { useCanWrite } from '../../session/session-context';
import { AttributeList } from './attribute-list';
import { EditObjectForm } from './edit-object-form';
import { RelationTable } from './relation-table';

/** /objects/:id: one object's fields, attributes and relations. */
export function ObjectPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useParams().id ?? '';
  const canWrite = useCanWrite();
  const { data: object, error, loading, reload } = useApiResource<ObjectWithRelations>(`/api/objects/${encodeURIComponent(id)}`);

  if (object === undefined) {
    return (
      <div aria-live="polite">
        {loading && <p>{t('app.loading')}</p>}
        <ErrorMessage error={error} />
      </div>
    );
  }

  return (
    <>
      <title>{`${object.name} – ${t('app.name')}`}</title>
      <p>
        <Link to={`/objects${queryString({ type: object.type })}`}>{t('object.backToType', { type: object.type })}</Link>
      </p>
      <h1 data-testid="object-name">{object.name}</h1>
      <dl className="fields">
        <dt>{t('object.type')}</dt>
        <dd data-testid="object-type">{object.type}</dd>
        <dt>{t('object.description')}</dt>
        <dd data-testid="object-description" className="description">
          {object.description !== null && object.description !== '' ? object.description : t('object.noDescription')}
        </dd>
        <dt>{t('object.version')}</dt>
        <dd>{format.number(object.version)}</dd>
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
        <AttributeList attributes={object.attributes} />
      </section>

      <section aria-labelledby="outgoing-heading">
        <h2 id="outgoing-heading">{t('object.outgoing')}</h2>
        <RelationTable relations={object.relations.outgoing} direction="outgoing" testId="relations-outgoing" />
      </section>

      <section aria-labelledby="incoming-heading">
        <h2 id="incoming-heading">{t('object.incoming')}</h2>
        <RelationTable relations={object.relations.incoming} direction="incoming" testId="relations-incoming" />
      </section>
    </>
  );
}
