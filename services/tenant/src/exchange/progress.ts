import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestLocale, toAppError } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { withRequestTransaction, type TenantContext } from '../context.js';
import { AppErrorWithDetails } from '../model/error-details.js';

/** One progress line of an import: how much of a phase is done. */
export interface ImportProgress {
  phase: string;
  done: number;
  total: number;
}

/** The two steps of a streamed import, both run in one transaction. */
export interface StreamedImportSteps<Plan, Result extends object> {
  /** Checks everything and returns what to write; its errors become a normal JSON error response. */
  prepare(transaction: Transaction): Promise<Plan>;
  /** Writes the plan; the response is already a stream by then, so its errors become a `failed` line. */
  apply(transaction: Transaction, plan: Plan, onProgress: (progress: ImportProgress) => void): Promise<Result>;
  /** The name of the import in log messages, such as `csv import`. */
  name: string;
}

/**
 * Runs an import in one request transaction. The response stays a plain
 * JSON error until `prepare` succeeds, so every problem found while
 * checking gets its status and code. Then it becomes an NDJSON stream of
 * `{ phase, done, total }` lines that ends with `{ phase: 'finished', ...result }`
 * after the commit, or with `{ phase: 'failed', error: { code, message } }`
 * after a rollback.
 */
export function streamImport<Plan, Result extends object>(
  context: TenantContext,
  request: FastifyRequest,
  reply: FastifyReply,
  steps: StreamedImportSteps<Plan, Result>,
): Promise<FastifyReply> {
  return new Promise((resolve, reject) => {
    const stream = new PassThrough();
    const writeLine = (line: object) => stream.write(`${JSON.stringify(line)}\n`);
    let streaming = false;

    withRequestTransaction(context, request, async (transaction) => {
      const plan = await steps.prepare(transaction);
      streaming = true;
      resolve(reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(stream));
      return steps.apply(transaction, plan, writeLine);
    })
      .then((result) => {
        request.log.info({ import: steps.name, result }, 'import finished');
        writeLine({ phase: 'finished', ...result });
      })
      .catch((error: unknown) => {
        if (!streaming) {
          reject(error);
          return;
        }
        const appError = toAppError(error);
        request.log.error({ import: steps.name, err: error, code: appError.code }, 'import failed');
        const details = appError instanceof AppErrorWithDetails ? appError.details : {};
        writeLine({ phase: 'failed', error: { ...details, code: appError.code, message: appError.userMessage(requestLocale(request)) } });
      })
      .finally(() => {
        if (streaming) stream.end();
      });
  });
}
