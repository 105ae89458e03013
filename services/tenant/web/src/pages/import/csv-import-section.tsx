import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { csvProblems, importCsv, previewCsv, type CsvImportFinished, type CsvPlan, type CsvProblem } from '../../api/data-exchange';
import { REQUIREMENT_ROLES } from '../../api/meta-model';
import { ErrorMessage } from '../../components/error-message';
import { useFormat } from '../../hooks/use-format';
import { useMetaModel } from '../../hooks/use-meta-model';
import { ImportProgress, type ImportStatus } from './import-progress';

function ProblemList({ problems, testId }: { problems: CsvProblem[]; testId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <ul data-testid={testId}>
      {problems.map((problem, index) => (
        <li key={`${problem.line}-${problem.column ?? ''}-${index}`} data-testid={`${testId}-item`} data-line={problem.line} data-code={problem.code}>
          {problem.column !== undefined && problem.column !== null
            ? t('administration.csv.problemColumn', { line: format.number(problem.line), column: problem.column, message: problem.message })
            : t('administration.csv.problem', { line: format.number(problem.line), message: problem.message })}
        </li>
      ))}
    </ul>
  );
}

/**
 * CSV import of objects: a dry run first shows what each row would do and
 * every invalid row with its line number, then the import streams its progress.
 */
export function CsvImportSection() {
  const { t } = useTranslation();
  const id = useId();
  const metaModel = useMetaModel();
  const format = useFormat();
  const [file, setFile] = useState<File | null>(null);
  const [type, setType] = useState('');
  const [plan, setPlan] = useState<CsvPlan | null>(null);
  const [status, setStatus] = useState<ImportStatus | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [result, setResult] = useState<CsvImportFinished | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const running = useRef<AbortController | null>(null);

  // Leaving the page cancels the upload. The server decides what happens to an import it already started.
  useEffect(() => () => running.current?.abort(), []);

  const types = (metaModel.metaModel?.objectTypes ?? []).filter((objectType) => !REQUIREMENT_ROLES.includes(objectType.role));

  const reset = () => {
    setPlan(null);
    setResult(null);
    setError(undefined);
  };

  const preview = async (event: FormEvent) => {
    event.preventDefault();
    if (file === null) {
      return;
    }
    reset();
    setPreviewing(true);
    try {
      setPlan(await previewCsv(file, { type }));
    } catch (failure) {
      setError(failure);
    } finally {
      setPreviewing(false);
    }
  };

  const runImport = async () => {
    if (file === null) {
      return;
    }
    const controller = new AbortController();
    running.current = controller;
    setResult(null);
    setError(undefined);
    setStatus({ stage: 'uploading', loaded: 0, total: file.size });
    try {
      const finished = await importCsv(
        file,
        { type },
        {
          onUploadProgress: (loaded, total) => setStatus({ stage: 'uploading', loaded, total }),
          onEvent: (line) => {
            if (line.phase !== 'finished' && 'done' in line && line.done !== undefined && line.total !== undefined) {
              setStatus({ stage: 'processing', phase: line.phase, done: line.done, total: line.total });
            }
          },
        },
        controller.signal,
      );
      setPlan(null);
      setResult(finished);
    } catch (failure) {
      if (!controller.signal.aborted) {
        setError(failure);
      }
    } finally {
      if (running.current === controller) {
        running.current = null;
        setStatus(null);
      }
    }
  };

  const problems = csvProblems(error);

  const fieldLabel = (type: string, field: string): string => {
    if (field.startsWith('attributes.')) {
      return metaModel.attributeName(type, field.slice('attributes.'.length));
    }
    if (field.startsWith('levels.')) {
      return t('administration.csv.fields.level', { dimension: field.slice('levels.'.length) });
    }
    if (field === 'name' || field === 'description' || field === 'externalId') {
      return t(`administration.csv.fields.${field}`);
    }
    // A field this client has no text for is shown by its name.
    return field;
  };
  return (
    <section aria-labelledby={`${id}-title`} data-testid="csv-import">
      <h2 id={`${id}-title`}>{t('administration.csv.title')}</h2>
      <p>{t('administration.csv.intro')}</p>
      <form onSubmit={(event) => void preview(event)}>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('administration.csv.file')}</label>
          <input
            id={`${id}-file`}
            data-testid="csv-file"
            type="file"
            accept=".csv,text/csv"
            required
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              reset();
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t('administration.csv.type')}</label>
          <select
            id={`${id}-type`}
            data-testid="csv-type"
            value={type}
            onChange={(event) => {
              setType(event.target.value);
              reset();
            }}
          >
            <option value="">{t('administration.csv.typeFromFile')}</option>
            {types.map((objectType) => (
              <option key={objectType.key} value={objectType.key}>
                {metaModel.typeName(objectType.key)}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit" data-testid="csv-preview" disabled={file === null || previewing || status !== null}>
            {t('administration.csv.preview')}
          </button>
        </div>
      </form>

      {status !== null && <ImportProgress status={status} />}
      <div aria-live="polite">
        {plan !== null && (
          <div data-testid="csv-plan" data-created={plan.created} data-updated={plan.updated} data-unchanged={plan.unchanged}>
            <p>{t('administration.csv.summary', { created: format.number(plan.created), updated: format.number(plan.updated), unchanged: format.number(plan.unchanged) })}</p>
            {plan.warnings.length > 0 && (
              <>
                <h3>{t('administration.csv.warnings')}</h3>
                <ProblemList problems={plan.warnings} testId="csv-warnings" />
              </>
            )}
          </div>
        )}
        {result !== null && (
          <p className="success" data-testid="csv-result" data-created={result.created} data-updated={result.updated}>
            {t('administration.csv.result', { created: format.number(result.created), updated: format.number(result.updated), unchanged: format.number(result.unchanged) })}
          </p>
        )}
        {problems.length > 0 ? (
          <div className="error" role="alert" data-testid="csv-problems">
            <p>{t('administration.csv.problemsTitle')}</p>
            <ProblemList problems={problems} testId="csv-problem" />
          </div>
        ) : (
          <ErrorMessage error={error} testId="csv-error" />
        )}
      </div>

      {plan !== null && (
        <>
          <div className="table-scroll">
            <table data-testid="csv-rows">
              <caption className="visually-hidden">{t('administration.csv.rowsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('administration.csv.line')}</th>
                  <th scope="col">{t('administration.csv.action')}</th>
                  <th scope="col">{t('administration.csv.name')}</th>
                  <th scope="col">{t('administration.csv.objectType')}</th>
                  <th scope="col">{t('administration.csv.changes')}</th>
                </tr>
              </thead>
              {/* NOTE: every row is rendered; a file near the 10,000-row limit makes a long table that would need virtualised rows. */}
              <tbody>
                {plan.rows.map((row) => (
                  <tr key={row.line} data-testid="csv-row" data-line={row.line} data-action={row.action} data-object-id={row.objectId ?? undefined}>
                    <td>{format.number(row.line)}</td>
                    <td>{t(`administration.csv.actions.${row.action}`)}</td>
                    <td>{row.name}</td>
                    <td>{metaModel.typeName(row.type)}</td>
                    <td>{row.changes.map((field) => fieldLabel(row.type, field)).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="actions">
            <button type="button" data-testid="csv-import-submit" disabled={status !== null} onClick={() => void runImport()}>
              {t('administration.csv.import')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
