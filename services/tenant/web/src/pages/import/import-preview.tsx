import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError } from '../../api/client';
import { sendDryRun } from '../../api/data-exchange';
import { useFormat } from '../../hooks/use-format';
import './import-preview.css';

/** How many objects or relations of one type an import would create and update. */
export interface TypeChanges {
  type: string;
  /** The type's name in the request's language, from the server, because new types exist only inside the dry run. */
  name: string;
  created: number;
  updated: number;
}

/** A problem of a rejected model document, at a JSON pointer into the document. */
interface DocumentProblem {
  path: string;
  code: string;
  message: string;
}

export interface ImportPreviewState<P> {
  /** The preview of the current file and options, or null before one or after a change. */
  preview: P | null;
  error: unknown;
  running: boolean;
  run: (path: string, body: Blob | string, contentType: string) => Promise<void>;
  /** Forgets the preview, for a change of file or options that makes it stale. */
  reset: () => void;
}

/** Runs dry runs one at a time and keeps the last one's preview or error. */
export function useImportPreview<P>(): ImportPreviewState<P> {
  const [preview, setPreview] = useState<P | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [running, setRunning] = useState(false);
  const current = useRef<AbortController | null>(null);

  useEffect(() => () => current.current?.abort(), []);

  const reset = useCallback(() => {
    current.current?.abort();
    current.current = null;
    setPreview(null);
    setError(undefined);
    setRunning(false);
  }, []);

  const run = useCallback(async (path: string, body: Blob | string, contentType: string) => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    setPreview(null);
    setError(undefined);
    setRunning(true);
    try {
      const result = await sendDryRun<P>(path, body, contentType, controller.signal);
      if (current.current === controller) {
        setPreview(result);
      }
    } catch (failure) {
      if (!controller.signal.aborted) {
        setError(failure);
      }
    } finally {
      if (current.current === controller) {
        current.current = null;
        setRunning(false);
      }
    }
  }, []);

  return { preview, error, running, run, reset };
}

/**
 * Renders the result of a preview: a focused heading, the counts given as
 * children, and the button that starts the import. Focus moves to the
 * heading when the preview arrives, so keyboard and screen-reader users
 * land on it.
 */
export function PreviewResult({ testId, children, onImport, importDisabled }: { testId: string; children: ReactNode; onImport: () => void; importDisabled: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);

  return (
    <section className="import-preview" aria-labelledby={`${id}-title`} data-testid={testId}>
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {t('importPreview.title')}
      </h3>
      <p className="muted">{t('importPreview.hint')}</p>
      {children}
      <p className="muted">{t('importPreview.stale')}</p>
      <div className="actions">
        <button type="button" data-testid={`${testId}-import`} onClick={onImport} disabled={importDisabled}>
          {t('importPreview.import')}
        </button>
      </div>
    </section>
  );
}

/** Renders a table of counts with one row per kind of thing and one column per action. */
export function CountsTable({
  caption,
  rowHeader,
  columns,
  rows,
  testId,
}: {
  caption: string;
  /** The header of the first column, which names each row. */
  rowHeader: string;
  columns: { key: string; label: string }[];
  rows: { key: string; label: string; values: Record<string, number> }[];
  testId: string;
}) {
  const format = useFormat();
  return (
    <table data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{rowHeader}</th>
          {columns.map((column) => (
            <th scope="col" key={column.key} className="numeric">
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key} data-testid={`${testId}-${row.key}`}>
            <th scope="row">{row.label}</th>
            {columns.map((column) => (
              <td key={column.key} className="numeric" data-column={column.key} data-count={row.values[column.key] ?? 0}>
                {format.number(row.values[column.key] ?? 0)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Renders the objects or relations to create and update by type, and nothing when no type changes. */
export function TypeChangesTable({ caption, changes, testId }: { caption: string; changes: TypeChanges[]; testId: string }) {
  const { t } = useTranslation();
  if (changes.length === 0) {
    return null;
  }
  return (
    <CountsTable
      caption={caption}
      rowHeader={t('importPreview.table.type')}
      testId={testId}
      columns={[
        { key: 'created', label: t('importPreview.table.created') },
        { key: 'updated', label: t('importPreview.table.updated') },
      ]}
      rows={changes.map((change) => ({ key: change.type, label: change.name, values: { created: change.created, updated: change.updated } }))}
    />
  );
}

/**
 * Shows why a preview failed: each problem of a rejected document with its
 * JSON path, or else the error's message, which names the element, line or
 * catalog it is about.
 */
export function PreviewError({ error, testId }: { error: unknown; testId: string }) {
  const { t } = useTranslation();
  if (error === undefined || error === null) {
    return null;
  }
  const problems = error instanceof ApiError && Array.isArray(error.details.problems) ? (error.details.problems as DocumentProblem[]) : [];
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="error" role="alert" data-testid={testId} data-error-code={code}>
      <p>{t('importPreview.problemsTitle')}</p>
      {problems.length === 0 ? (
        <p data-testid={`${testId}-message`}>
          {error instanceof Error ? error.message : String(error)}
          {code !== undefined && <span className="error-code"> {t('errors.code', { code })}</span>}
        </p>
      ) : (
        <ul>
          {problems.map((problem, index) => (
            <li key={`${problem.path}-${index}`} data-testid={`${testId}-problem`} data-path={problem.path} data-code={problem.code}>
              {t('importPreview.problem', { path: problem.path || '/', message: problem.message })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
