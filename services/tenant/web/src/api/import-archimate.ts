import i18n from '../i18n';
import { errorFromResponse } from './api-error';
import { apiHeaders, ApiError, handleUnauthorized, NETWORK_ERROR } from './client';
import { ensureFreshSession } from './session';
import { NdjsonDecoder } from './ndjson';
import type { ImportEvent } from './types';

/** Last line of a successful import stream. */
export type ImportFinished = Extract<ImportEvent, { phase: 'finished' }>;

export interface ImportListeners {
  /** Bytes of the file sent so far. */
  onUploadProgress: (loaded: number, total: number) => void;
  /** Each line of the server's progress stream, as it arrives. */
  onEvent: (event: ImportEvent) => void;
}

/** Code of the ApiError raised when the stream closes without a `finished` or `failed` line. */
export const IMPORT_INCOMPLETE = 'IMPORT_INCOMPLETE';

/**
 * Uploads an ArchiMate Open Exchange file to POST /api/imports/archimate and
 * reports the NDJSON progress lines while the server works.
 * Resolves with the `finished` line. Rejects with ApiError for an HTTP error,
 * a `failed` line, a stream that ends early or an unreachable server.
 *
 * XMLHttpRequest is used instead of fetch because fetch reports no upload
 * progress. Its responseText grows while the response streams in, so the
 * progress lines are still read as they arrive.
 */
export async function importArchimate(file: File, listeners: ImportListeners, signal?: AbortSignal): Promise<ImportFinished> {
  // A large upload can take minutes, and the request cannot be sent again after a 401, so it starts with a fresh token.
  await ensureFreshSession();
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    const decoder = new NdjsonDecoder<ImportEvent>();
    let received = 0;
    let outcome: ImportEvent | null = null;

    const consume = (events: ImportEvent[]): void => {
      for (const event of events) {
        if (event.phase === 'finished' || event.phase === 'failed') {
          outcome = event;
        }
        listeners.onEvent(event);
      }
    };

    const readNewText = (): void => {
      // An error response is one JSON document, read whole in onload.
      if (request.status < 200 || request.status >= 300) {
        return;
      }
      const text = request.responseText;
      consume(decoder.push(text.slice(received)));
      received = text.length;
    };

    request.open('POST', '/api/imports/archimate');
    for (const [name, value] of Object.entries(apiHeaders(true))) {
      request.setRequestHeader(name, value);
    }
    request.setRequestHeader('Accept', 'application/x-ndjson, application/json');
    request.setRequestHeader('Content-Type', 'application/xml');

    request.upload.onprogress = (event) => {
      listeners.onUploadProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    };
    request.onprogress = () => {
      try {
        readNewText();
      } catch {
        // A line that is not JSON makes the stream unusable. Rejecting before the abort makes the abort's rejection a no-op.
        reject(new ApiError(request.status, IMPORT_INCOMPLETE, i18n.t('import.incomplete')));
        request.abort();
      }
    };
    request.onerror = () => reject(new ApiError(0, NETWORK_ERROR, i18n.t('errors.network')));
    request.onabort = () => reject(new DOMException('The import request was aborted.', 'AbortError'));
    request.onload = () => {
      if (request.status < 200 || request.status >= 300) {
        const error = errorFromResponse(request.status, request.responseText, request.getResponseHeader('Retry-After'));
        handleUnauthorized(error, true);
        reject(error);
        return;
      }
      try {
        readNewText();
        consume(decoder.flush());
      } catch {
        reject(new ApiError(request.status, IMPORT_INCOMPLETE, i18n.t('import.incomplete')));
        return;
      }
      settle(outcome, request.status, resolve, reject);
    };

    signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(file);
  });
}

function settle(
  outcome: ImportEvent | null,
  status: number,
  resolve: (finished: ImportFinished) => void,
  reject: (error: ApiError) => void,
): void {
  if (outcome !== null && outcome.phase === 'finished' && 'objects' in outcome) {
    resolve(outcome);
  } else if (outcome !== null && outcome.phase === 'failed' && 'error' in outcome) {
    reject(new ApiError(status, outcome.error.code, outcome.error.message));
  } else {
    reject(new ApiError(status, IMPORT_INCOMPLETE, i18n.t('import.incomplete')));
  }
}
