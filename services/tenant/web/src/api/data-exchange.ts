import i18n from '../i18n';
import { apiHeaders, ApiError, handleUnauthorized, NETWORK_ERROR, queryString } from './client';
import { errorFromResponse } from './api-error';
import { streamImport, type StreamListeners } from './import-stream';
import { ensureFreshSession } from './session';

/** One row of a CSV dry run and what the import would do with it. */
export interface CsvPlanRow {
  line: number;
  action: 'create' | 'update' | 'unchanged';
  objectId: string | null;
  type: string;
  name: string;
  /** The fields an update changes: `name`, `description`, `externalId`, `attributes.<key>` or `levels.<dimension>`. */
  changes: string[];
}

/** A problem or warning of a CSV file, at a physical line of the file. */
export interface CsvProblem {
  line: number;
  column?: string | null;
  code: string;
  message: string;
}

/** Result of POST /api/imports/csv with dryRun=true. */
export interface CsvPlan {
  dryRun: true;
  created: number;
  updated: number;
  unchanged: number;
  rows: CsvPlanRow[];
  warnings: CsvProblem[];
}

/** Last line of a CSV import's progress stream. */
export interface CsvImportFinished {
  phase: 'finished';
  created: number;
  updated: number;
  unchanged: number;
  warnings: CsvProblem[];
}

export interface CsvOptions {
  /** Object type of rows without a Type column, or '' to take it from the file. */
  type: string;
}

function csvPath(options: CsvOptions, dryRun: boolean): string {
  return `/api/imports/csv${queryString({ type: options.type, dryRun: dryRun ? 'true' : undefined })}`;
}

/** Sends the file for a dry run, which checks every row and writes nothing. */
export function previewCsv(file: File, options: CsvOptions): Promise<CsvPlan> {
  return sendDryRun<CsvPlan>(csvPath(options, true), file, 'text/csv');
}

/**
 * Sends an import whose path has `dryRun=true` and returns the server's JSON
 * preview. A dry run keeps nothing and returns one JSON body instead of a
 * progress stream, so a problem is a normal error response. Throws ApiError
 * for a non-2xx response or an unreachable server, and rethrows the abort
 * error when `signal` aborts the request.
 */
export async function sendDryRun<T>(path: string, body: Blob | string, contentType: string, signal?: AbortSignal): Promise<T> {
  await ensureFreshSession();
  const headers = { ...apiHeaders(true), 'Content-Type': contentType };
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers, body, credentials: 'same-origin', signal });
  } catch (failure) {
    if (signal?.aborted) {
      throw failure;
    }
    throw new ApiError(0, NETWORK_ERROR, i18n.t('errors.network'));
  }
  const text = await response.text();
  if (!response.ok) {
    const error = errorFromResponse(response.status, text, response.headers.get('Retry-After'));
    handleUnauthorized(error, true);
    throw error;
  }
  return JSON.parse(text) as T;
}

/** A line of the CSV import's progress stream. */
export type CsvImportEvent = CsvImportFinished | { phase: string; done?: number; total?: number };

/** Imports the file, following its progress stream, and resolves with the `finished` line. */
export async function importCsv(file: File, options: CsvOptions, listeners: StreamListeners<CsvImportEvent>, signal?: AbortSignal): Promise<CsvImportFinished> {
  const request = { path: csvPath(options, false), body: file, contentType: 'text/csv' };
  // streamImport resolves with the `finished` line only, which has this shape.
  return (await streamImport(request, listeners, signal)) as CsvImportFinished;
}

/** Returns the `problems` of a CSV_ROWS_INVALID error, or an empty list for any other error. */
export function csvProblems(error: unknown): CsvProblem[] {
  if (error instanceof ApiError && Array.isArray(error.details.problems)) {
    return error.details.problems as CsvProblem[];
  }
  return [];
}

/** Reads the file name of a download from content-disposition, preferring the UTF-8 `filename*`. */
function fileNameOf(header: string | null, fallback: string): string {
  if (header === null) {
    return fallback;
  }
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1] !== undefined) {
    try {
      return decodeURIComponent(extended[1]);
    } catch {
      // A malformed escape falls back to the plain name below.
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain?.[1] ?? fallback;
}

/**
 * Downloads an export and hands it to the browser as a file. The export
 * routes need the access token in a header, so a plain link cannot fetch
 * them. Returns the file name.
 */
export async function downloadExport(path: string, fallbackName: string): Promise<string> {
  // apiRequest would parse the body as JSON, so the download is fetched here with the same headers.
  await ensureFreshSession();
  let response: Response;
  try {
    response = await fetch(path, { headers: { ...apiHeaders(true), Accept: '*/*' }, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, NETWORK_ERROR, i18n.t('errors.network'));
  }
  if (!response.ok) {
    const error = errorFromResponse(response.status, await response.text(), response.headers.get('Retry-After'));
    handleUnauthorized(error, true);
    throw error;
  }
  const fileName = fileNameOf(response.headers.get('Content-Disposition'), fallbackName);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has started the download once click() returns; revoking later keeps slow browsers safe.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return fileName;
}
