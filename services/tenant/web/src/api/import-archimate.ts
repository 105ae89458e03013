import { streamImport, type StreamListeners } from './import-stream';
import type { ImportEvent } from './types';

export { IMPORT_INCOMPLETE } from './import-stream';

/** Last line of a successful import stream. */
export type ImportFinished = Extract<ImportEvent, { phase: 'finished' }>;

export type ImportListeners = StreamListeners<ImportEvent>;

/**
 * Uploads an ArchiMate Open Exchange file to POST /api/imports/archimate and
 * reports the NDJSON progress lines while the server works.
 * Resolves with the `finished` line. Rejects with ApiError for an HTTP error,
 * a `failed` line, a stream that ends early or an unreachable server.
 */
export async function importArchimate(file: File, listeners: ImportListeners, signal?: AbortSignal): Promise<ImportFinished> {
  const finished = await streamImport<ImportEvent>({ path: '/api/imports/archimate', body: file, contentType: 'application/xml' }, listeners, signal);
  // streamImport resolves with the `finished` line only, which has this shape.
  return finished as ImportFinished;
}
