import { useTranslation } from 'react-i18next';

import type { ObjectStatements } from '../../api/classification';
import { ErrorMessage } from '../../components/error-message';
import { useFormat } from '../../hooks/use-format';

/** The object's compliance statements, read only; they are set on the requirements pages. */
export function StatementsSection({ statements, error }: { statements: ObjectStatements | undefined; error: unknown }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section aria-labelledby="statements-heading" data-testid="statements">
      <h2 id="statements-heading">{t('modelObjects.statements.heading')}</h2>
      <ErrorMessage error={error} />
      {statements !== undefined && statements.statements.length === 0 && <p>{t('modelObjects.statements.none')}</p>}
      {statements !== undefined && statements.statements.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('modelObjects.statements.requirement')}</th>
              <th scope="col">{t('modelObjects.statements.status')}</th>
              <th scope="col">{t('modelObjects.statements.comment')}</th>
            </tr>
          </thead>
          <tbody>
            {statements.statements.map((statement) => (
              <tr key={statement.requirementId} data-testid="statement-row" data-status={statement.status}>
                <td>
                  {statement.requirement.label || statement.requirement.identifier} {statement.requirement.title}{' '}
                  <span className="muted">({statement.requirement.set.name})</span>
                </td>
                <td>{t(`modelObjects.statements.${statement.status}`)}</td>
                <td className="description">{statement.status === 'not_applicable' && statement.reason !== '' ? statement.reason : statement.comment}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {statements !== undefined && statements.missing.length > 0 && (
        <p data-testid="statements-missing">
          {t('modelObjects.statements.missing', { count: statements.missing.length, formattedCount: format.number(statements.missing.length) })}
        </p>
      )}
    </section>
  );
}
