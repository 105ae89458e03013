import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { importArchimate, type ImportFinished } from '../../api/import-archimate';
import { ErrorMessage } from '../../components/error-message';
import { useCanWrite, useIsAdministrator } from '../../session/session-context';
import { ModelImportSection, OscalImportSection, TemplateImportSection } from './administrator-imports';
import { CsvImportSection } from './csv-import-section';
import { ImportProgress, usePhaseText, type ImportStatus } from './import-progress';
import { PreviewError, PreviewResult, useImportPreview } from './import-preview';
import { ArchimatePreviewBody, type ArchimatePreview } from './preview-bodies';

/**
 * /import: previews an ArchiMate Open Exchange file with a dry run, then
 * uploads it and follows the server's progress stream. Importing without a
 * preview stays possible, because the import is all or nothing and rejects
 * the same problems, but a preview that found a problem blocks the import.
 */
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
  const preview = useImportPreview<ArchimatePreview>();

  // Leaving the page cancels the upload. The server decides what happens to an import it already started.
  useEffect(() => () => running.current?.abort(), []);

  const runPreview = (event: FormEvent) => {
    event.preventDefault();
    if (file !== null) {
      setResult(null);
      setError(undefined);
      void preview.run('/api/imports/archimate?dryRun=true', file, 'application/xml');
    }
  };

  const runImport = async () => {
    if (file === null) {
      return;
    }
    preview.reset();
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

  // A preview that found a problem blocks the import until the file changes.
  const blocked = preview.error !== undefined;
  const title = t('import.title');
  return (
    <>
      <title>{`${title} – ${t('app.name')}`}</title>
      <h1>{title}</h1>
      {!canWrite ? (
        <p data-testid="import-no-access">{t('import.noAccess')}</p>
      ) : (
        <>
          <h2>{t('import.archimateTitle')}</h2>
          <p>{t('import.intro')}</p>
          <form onSubmit={runPreview}>
            <div className="field">
              <label htmlFor={`${id}-file`}>{t('import.file')}</label>
              <input
                id={`${id}-file`}
                data-testid="import-file"
                type="file"
                accept=".xml,application/xml,text/xml"
                required
                onChange={(event) => {
                  setFile(event.target.files?.[0] ?? null);
                  preview.reset();
                }}
              />
            </div>
            <div className="actions">
              <button type="submit" data-testid="import-preview" disabled={file === null || status !== null || preview.running}>
                {t('importPreview.preview')}
              </button>
              <button type="button" data-testid="import-submit" onClick={() => void runImport()} disabled={file === null || status !== null || blocked}>
                {t('import.submit')}
              </button>
            </div>
          </form>
          {preview.running && <p role="status">{t('importPreview.previewing')}</p>}
          {preview.preview !== null && (
            <PreviewResult testId="import-preview-result" onImport={() => void runImport()} importDisabled={status !== null}>
              <ArchimatePreviewBody preview={preview.preview} testId="import-preview-result" />
            </PreviewResult>
          )}
          <PreviewError error={preview.error} testId="import-preview-error" />

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
