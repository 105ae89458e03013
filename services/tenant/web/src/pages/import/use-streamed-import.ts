import { useCallback, useEffect, useRef, useState } from 'react';

import { streamImport, type StreamEvent, type StreamRequest } from '../../api/import-stream';
import type { ImportStatus } from './import-progress';

export interface StreamedImport<F> {
  status: ImportStatus | null;
  /** The `finished` line of the last import that succeeded. */
  result: F | null;
  error: unknown;
  run: (request: StreamRequest, uploadSize: number) => Promise<void>;
}

/**
 * Runs one import at a time through streamImport and keeps its progress,
 * result and error for the page. Leaving the page cancels the upload, and the
 * server decides what happens to an import it already started.
 */
export function useStreamedImport<F extends StreamEvent>(): StreamedImport<F> {
  const [status, setStatus] = useState<ImportStatus | null>(null);
  const [result, setResult] = useState<F | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const running = useRef<AbortController | null>(null);

  useEffect(() => () => running.current?.abort(), []);

  const run = useCallback(async (request: StreamRequest, uploadSize: number) => {
    const controller = new AbortController();
    running.current = controller;
    setResult(null);
    setError(undefined);
    setStatus({ stage: 'uploading', loaded: 0, total: uploadSize });
    try {
      const finished = await streamImport<StreamEvent>(
        request,
        {
          onUploadProgress: (loaded, total) => setStatus({ stage: 'uploading', loaded, total }),
          onEvent: (line) => {
            if (line.done !== undefined && line.total !== undefined) {
              setStatus({ stage: 'processing', phase: line.phase, done: line.done, total: line.total });
            }
          },
        },
        controller.signal,
      );
      // streamImport resolves with the `finished` line only, which has the caller's shape F.
      setResult(finished as F);
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
  }, []);

  return { status, result, error, run };
}
