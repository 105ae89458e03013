import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { importArchimate, type ImportFinished } from '../../api/import-archimate';
import { ErrorMessage } from '../../components/error-message';
import { useCanWrite, useIsAdministrator } from '../../session/session-context';
import { ModelImportSection, OscalImportSection, TemplateImportSection } from './administrator-imports';
import { CsvImportSection } from './csv-import-section';
import { ImportProgress, usePhaseText, type ImportStatus } from './import-progress';

/** /import: uploads an ArchiMate Open Exchange file and follows the server's progress stream. */
export function ImportPage() {
  const { t } = useTranslation();
  const id = useId();
  const canWrite = useCanWrite();
  const isAdministrator = useIsAdministrator();
  const [file, setFile] = useState<File | null>(null);
  const [status, setStatus] = useState<ImportStatus | null>(null);
  const [result, setResult] = useState<ImportFinished | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const running = useRef<AbortController | null>(null);
  const phaseText = usePhaseText(status);

  // Leaving the page cancels the upload. The server decides what happens to an import it already started.
  useEffect(() => () => running.current?.abort(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (file === null) {
      return;
    }
    const controller = new AbortController();
    running.current = controller;
    setResult(null);
    setError(undefined);
    setStatus({ stage: 'uploading', loaded: 0, total: file.size });
    try {
      const finished = await importArchimate(
        file,
        {
          onUploadProgress: (loaded, total) => setStatus({ stage: 'uploading', loaded, total }),
          onEvent: (line) => {
            if ('done' in line && 'total' in line) {
              setStatus({ stage: 'processing', phase: line.phase, done: line.done, total: line.total });
            }
          },
        },
        controller.signal,
      );
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

  const title = t('import.title');
  return (
    <>
      <title>{`${title} – ${t('app.name')}`}</title>
      <h1>{title}</h1>
      {!canWrite ? (
        <p data-testid="import-no-access">{t('import.noAccess')}</p>
      ) : (
        <>
          <p>{t('import.intro')}</p>
          <form onSubmit={(event) => void submit(event)}>
            <div className="field">
              <label htmlFor={`${id}-file`}>{t('import.file')}</label>
              <input
                id={`${id}-file`}
                data-testid="import-file"
                type="file"
                accept=".xml,application/xml,text/xml"
                required
                onChange={(event) => setFile(event.target.files?.[0] ?? null)}
              />
            </div>
            <button type="submit" data-testid="import-submit" disabled={file === null || status !== null}>
              {t('import.submit')}
            </button>
          </form>

          {status !== null && <ImportProgress status={status} />}
          {/* Only the phase name is announced: the counts change too often to be read out. */}
          <p className="visually-hidden" aria-live="polite">
            {phaseText}
          </p>
          <div aria-live="polite">
            {result !== null && (
              <p
                className="success"
                data-testid="import-result"
                data-objects={result.objects}
                data-relations={result.relations}
              >
                {t('import.result', {
                  objects: t('counts.objects', { count: result.objects }),
                  relations: t('counts.relations', { count: result.relations }),
                })}
              </p>
            )}
            <ErrorMessage error={error} testId="import-error" />
          </div>
          <CsvImportSection />
          {/* These imports change requirement sets or the meta-model, which only administrators may do. */}
          {isAdministrator && (
            <>
              <OscalImportSection />
              <ModelImportSection />
              <TemplateImportSection />
            </>
          )}
        </>
      )}
    </>
  );
}
