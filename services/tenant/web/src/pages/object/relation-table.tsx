import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { apiRequest } from '../../api/client';
import type { Relation } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { useMetaModel, type RelationDirection } from '../../hooks/use-meta-model';

interface RelationTableProps {
  relations: Relation[];
  /** Outgoing relations link to their target, incoming ones to their source. */
  direction: RelationDirection;
  testId: string;
  /** Shown only to writers: removes a relation and is then called. */
  onRemoved?: () => void;
}

/** Relations of one direction, each named as read from this object and linking to the object at its other end. */
export function RelationTable({ relations, direction, testId, onRemoved }: RelationTableProps) {
  const { t } = useTranslation();
  const { relationName, typeName } = useMetaModel();
  const [error, setError] = useState<unknown>(undefined);
  const [removing, setRemoving] = useState<string | null>(null);

  const remove = async (relation: Relation) => {
    setError(undefined);
    setRemoving(relation.id);
    try {
      await apiRequest(`/api/relations/${encodeURIComponent(relation.id)}`, { method: 'DELETE' });
      onRemoved?.();
    } catch (failure) {
      setError(failure);
    } finally {
      setRemoving(null);
    }
  };

  if (relations.length === 0) {
    return <p data-testid={testId}>{t('object.noRelations')}</p>;
  }
  return (
    <>
      <table data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t('object.relationType')}</th>
            <th scope="col">{direction === 'outgoing' ? t('object.target') : t('object.source')}</th>
            <th scope="col">{t('object.relationName')}</th>
            {onRemoved !== undefined && <td />}
          </tr>
        </thead>
        <tbody>
          {relations.map((relation) => {
            const other = direction === 'outgoing' ? relation.target : relation.source;
            return (
              <tr key={relation.id} data-testid="relation-row" data-relation-type={relation.type}>
                <td>{relationName(relation.type, direction)}</td>
                <td>
                  <Link to={`/objects/${encodeURIComponent(other.id)}`} data-testid="relation-link">
                    {other.name}
                  </Link>{' '}
                  <span className="muted">({typeName(other.type)})</span>
                </td>
                <td>{relation.name ?? ''}</td>
                {onRemoved !== undefined && (
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      data-testid="relation-remove"
                      disabled={removing === relation.id}
                      aria-label={t('modelObjects.relations.remove', { name: other.name })}
                      onClick={() => void remove(relation)}
                    >
                      ✕
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      <ErrorMessage error={error} />
    </>
  );
}
