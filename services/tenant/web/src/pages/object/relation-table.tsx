import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { Relation } from '../../api/types';

interface RelationTableProps {
  relations: Relation[];
  /** Outgoing relations link to their target, incoming ones to their source. */
  direction: 'outgoing' | 'incoming';
  testId: string;
}

/** Relations of one direction, each linking to the object at its other end. */
export function RelationTable({ relations, direction, testId }: RelationTableProps) {
  const { t } = useTranslation();
  if (relations.length === 0) {
    return <p data-testid={testId}>{t('object.noRelations')}</p>;
  }
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{t('object.relationType')}</th>
          <th scope="col">{t('object.relationName')}</th>
          <th scope="col">{direction === 'outgoing' ? t('object.target') : t('object.source')}</th>
        </tr>
      </thead>
      <tbody>
        {relations.map((relation) => {
          const other = direction === 'outgoing' ? relation.target : relation.source;
          return (
            <tr key={relation.id} data-testid="relation-row">
              <td>{relation.type}</td>
              <td>{relation.name ?? ''}</td>
              <td>
                <Link to={`/objects/${encodeURIComponent(other.id)}`} data-testid="relation-link">
                  {other.name}
                </Link>{' '}
                <span className="muted">({other.type})</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
