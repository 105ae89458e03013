import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { queryString } from '../../api/client';
import { REQUIREMENT_ROLES, type ObjectTypeDefinition } from '../../api/meta-model';
import { useFormat } from '../../hooks/use-format';
import { reloadMetaModel, useMetaModel } from '../../hooks/use-meta-model';

/** Links to the object list of every object type, with its number of objects. Requirement types are listed apart. */
export function TypeNavigation({ currentType }: { currentType: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { metaModel, typeName } = useMetaModel();
  // The counts change with every write, and changes made while no list was open sent no notice here, so they are loaded afresh.
  useEffect(() => reloadMetaModel(), []);
  const types = metaModel?.objectTypes ?? [];
  const modelTypes = types.filter((type) => !REQUIREMENT_ROLES.includes(type.role));
  const requirementTypes = types.filter((type) => REQUIREMENT_ROLES.includes(type.role));

  const typeLink = (type: ObjectTypeDefinition) => (
    <li key={type.key}>
      <Link
        to={`/objects${queryString({ type: type.key })}`}
        aria-current={currentType === type.key ? 'page' : undefined}
        data-testid={`type-link-${type.key}`}
        data-count={type.objectCount}
      >
        {typeName(type.key)}
      </Link>{' '}
      <span className="muted">{t('modelObjects.types.count', { count: type.objectCount, formattedCount: format.number(type.objectCount) })}</span>
    </li>
  );

  return (
    <nav aria-labelledby="type-navigation-heading" className="type-navigation" data-testid="type-navigation">
      <h2 id="type-navigation-heading">{t('modelObjects.types.heading')}</h2>
      <ul>
        <li>
          <Link to="/objects" aria-current={currentType === '' ? 'page' : undefined} data-testid="type-link-all">
            {t('modelObjects.types.all')}
          </Link>
        </li>
        {modelTypes.map(typeLink)}
      </ul>
      {requirementTypes.length > 0 && (
        <>
          <h3>{t('modelObjects.types.requirementsHeading')}</h3>
          <ul>{requirementTypes.map(typeLink)}</ul>
        </>
      )}
    </nav>
  );
}
