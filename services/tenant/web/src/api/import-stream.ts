import i18n from '../i18n';
import { errorFromResponse } from './api-error';
import { apiHeaders, ApiError, handleUnauthorized, NETWORK_ERROR } from './client';
import { NdjsonDecoder } from './ndjson';
import { ensureFreshSession } from './session';

/** One line of an import's NDJSON progress stream: a phase with counts, then `finished` or `failed`. */
export interface StreamEvent {
  phase: string;
  done?: number;
  total?: number;
  error?: { code: string; message: string };
}

export interface StreamListeners<E extends StreamEvent> {
  /** Bytes of the file sent so far. */
  onUploadProgress: (loaded: number, total: number) => void;
  /** Each line of the server's progress stream, as it arrives. */
  onEvent: (event: E) => void;
}

/** Code of the ApiError raised when the stream closes without a `finished` or `failed` line. */
export const IMPORT_INCOMPLETE = 'IMPORT_INCOMPLETE';

export interface StreamRequest {
  /** Path with its query string, such as `/api/imports/csv?type=application`. */
  path: string;
  body: Blob | string;
  contentType: string;
}

/**
 * Sends an import request and reports the NDJSON progress lines while the
 * server works. Resolves with the `finished` line. Rejects with ApiError for
 * an HTTP error, a `failed` line, a stream that ends early or an unreachable
 * server.
 *
 * XMLHttpRequest is used instead of fetch because fetch reports no upload
 * progress. Its responseText grows while the response streams in, so the
 * progress lines are still read as they arrive.
 */
export async function streamImport<E extends StreamEvent>(
  request: StreamRequest,
  listeners: StreamListeners<E>,
  signal?: AbortSignal,
): Promise<E> {
  // A large upload can take minutes, and the request cannot be sent again after a 401, so it starts with a fresh token.
  await ensureFreshSession();
  const size = typeof request.body === 'string' ? request.body.length : request.body.size;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const decoder = new NdjsonDecoder<E>();
    let received = 0;
    let outcome: E | null = null;

    const consume = (events: E[]): void => {
      for (const event of events) {
        if (event.phase === 'finished' || event.phase === 'failed') {
          outcome = event;
        }
        listeners.onEvent(event);
      }
    };

    const readNewText = (): void => {
      // An error response is one JSON document, read whole in onload.
      if (xhr.status < 200 || xhr.status >= 300) {
        return;
      }
      const text = xhr.responseText;
      consume(decoder.push(text.slice(received)));
      received = text.length;
    };

    xhr.open('POST', request.path);
    for (const [name, value] of Object.entries(apiHeaders(true))) {
      xhr.setRequestHeader(name, value);
    }
    xhr.setRequestHeader('Accept', 'application/x-ndjson, application/json');
    xhr.setRequestHeader('Content-Type', request.contentType);

    xhr.upload.onprogress = (event) => {
      listeners.onUploadProgress(event.loaded, event.lengthComputable ? event.total : size);
    };
    xhr.onprogress = () => {
      try {
        readNewText();
      } catch {
        // A line that is not JSON makes the stream unusable. Rejecting before the abort makes the abort's rejection a no-op.
        reject(new ApiError(xhr.status, IMPORT_INCOMPLETE, i18n.t('import.incomplete')));
        xhr.abort();
      }
    };
    xhr.onerror = () => reject(new ApiError(0, NETWORK_ERROR, i18n.t('errors.network')));
    xhr.onabort = () => reject(new DOMException('The import request was aborted.', 'AbortError'));
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        const error = errorFromResponse(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After'));
        handleUnauthorized(error, true);
        reject(error);
        return;
      }
      try {
        readNewText();
        consume(decoder.flush());
      } catch {
        reject(new ApiError(xhr.status, IMPORT_INCOMPLETE, i18n.t('import.incomplete')));
        return;
      }
      const last = outcome as E | null;
      if (last !== null && last.phase === 'finished') {
        resolve(last);
      } else if (last !== null && last.phase === 'failed' && last.error !== undefined) {
        reject(new ApiError(xhr.status, last.error.code, last.error.message));
      } else {
        reject(new ApiError(xhr.status, IMPORT_INCOMPLETE, i18n.t('import.incomplete')));
      }
    };

    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(request.body);
  });
}
