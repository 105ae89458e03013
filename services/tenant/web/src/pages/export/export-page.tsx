import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { queryString } from '../../api/client';
import { downloadExport } from '../../api/data-exchange';
import { REQUIREMENT_ROLES } from '../../api/meta-model';
import { ErrorMessage } from '../../components/error-message';
import { useMetaModel } from '../../hooks/use-meta-model';
import { currentLanguage, SUPPORTED_LANGUAGES, type Language } from '../../i18n';

type Separator = 'semicolon' | 'comma';

/** /export: downloads of the JSON model and of the objects as CSV or XLSX. Every signed-in user may export. */
export function ExportPage() {
  const { t } = useTranslation();
  const id = useId();
  const metaModel = useMetaModel();
  const [type, setType] = useState('');
  const [language, setLanguage] = useState<Language>(currentLanguage());
  const [separator, setSeparator] = useState<Separator>('semicolon');
  const [working, setWorking] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const types = (metaModel.metaModel?.objectTypes ?? []).filter((objectType) => !REQUIREMENT_ROLES.includes(objectType.role));

  const download = async (path: string, fallbackName: string) => {
    setWorking(true);
    setError(undefined);
    setStatus(t('administration.export.downloading'));
    try {
      const file = await downloadExport(path, fallbackName);
      setStatus(t('administration.export.downloaded', { file }));
    } catch (failure) {
      setStatus(null);
      setError(failure);
    } finally {
      setWorking(false);
    }
  };

  const tableQuery = (format: 'csv' | 'xlsx') =>
    queryString({ type, language, separator: format === 'csv' && separator === 'comma' ? ',' : undefined });

  const title = t('administration.export.title');
  return (
    <>
      <title>{`${title} – ${t('app.name')}`}</title>
      <h1>{title}</h1>
      <p>{t('administration.export.intro')}</p>
      <div aria-live="polite">
        {status !== null && (
          <p className="success" data-testid="export-status">
            {status}
          </p>
        )}
      </div>
      <ErrorMessage error={error} testId="export-error" />
      <ErrorMessage error={metaModel.error} testId="export-meta-model-error" />

      <section className="panel" aria-labelledby={`${id}-model`}>
        <h2 id={`${id}-model`}>{t('administration.export.model')}</h2>
        <p>{t('administration.export.modelHint')}</p>
        <button type="button" data-testid="export-model" disabled={working} onClick={() => void download('/api/exports/model', 'model.json')}>
          {t('administration.export.modelDownload')}
        </button>
      </section>

      <section className="panel" aria-labelledby={`${id}-objects`}>
        <h2 id={`${id}-objects`}>{t('administration.export.objects')}</h2>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t('administration.export.type')}</label>
          <select id={`${id}-type`} data-testid="export-type" value={type} onChange={(event) => setType(event.target.value)}>
            <option value="">{t('administration.export.allTypes')}</option>
            {types.map((objectType) => (
              <option key={objectType.key} value={objectType.key}>
                {metaModel.typeName(objectType.key)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-language`}>{t('administration.export.language')}</label>
          <select id={`${id}-language`} data-testid="export-language" value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
            {SUPPORTED_LANGUAGES.map((option) => (
              <option key={option} value={option}>
                {t(`administration.export.languages.${option}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-separator`}>{t('administration.export.separator')}</label>
          <select id={`${id}-separator`} data-testid="export-separator" value={separator} onChange={(event) => setSeparator(event.target.value as Separator)}>
            <option value="semicolon">{t('administration.export.separators.semicolon')}</option>
            <option value="comma">{t('administration.export.separators.comma')}</option>
          </select>
        </div>
        <div className="actions">
          <button type="button" data-testid="export-csv" disabled={working} onClick={() => void download(`/api/exports/objects.csv${tableQuery('csv')}`, 'objects.csv')}>
            {t('administration.export.csvDownload')}
          </button>
          <button type="button" data-testid="export-xlsx" disabled={working} onClick={() => void download(`/api/exports/objects.xlsx${tableQuery('xlsx')}`, 'objects.xlsx')}>
            {t('administration.export.xlsxDownload')}
          </button>
        </div>
      </section>
    </>
  );
}
