import contentDisposition from 'content-disposition';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, COMMON_ERRORS, requestLocale, type Locale } from '@esm/common';
import { requireAccess } from '../auth/authenticate.js';
import { auditSourceOf } from '../audit/audit.js';
import { lockClassification } from '../classification/propagation.js';
import { withRequestTransaction, type TenantContext } from '../context.js';
import type { Transaction } from '../db/transaction.js';
import { sendErrorDetails } from '../model/error-details.js';
import { typeSchema } from '../model/schemas.js';
import { applyCsvImport } from './csv/apply.js';
import { CSV_ENCODINGS, decodeCsvBytes, type CsvEncoding } from './csv/decode.js';
import { readObjectsTable, writeObjectsCsv, writeObjectsXlsx } from './csv/export.js';
import { parseCsvTable } from './csv/parse.js';
import { planCsvImport, type CsvImportPlan } from './csv/plan.js';
import { describeRowProblems } from './csv/problems.js';
import { DRY_RUN_SCHEMA, readTransactionChanges } from './dry-run.js';
import { EXCHANGE_ERRORS } from './errors.js';
import { exportModel, MODEL_PARTS, type ModelPart } from './model-document.js';
import { writeModelImport } from './model-import.js';
import { assertModelFormat, countObjects, prepareModelImport, type PreparedModelImport } from './model-validate.js';
import { streamImport, type ImportProgress } from './progress.js';

/** Largest model document accepted, in bytes. */
export const MODEL_BODY_LIMIT = 50 * 1024 * 1024;
/** Largest CSV file accepted, in bytes. */
export const CSV_BODY_LIMIT = 10 * 1024 * 1024;
/** Most data rows of one CSV import. */
export const CSV_MAX_ROWS = 10000;

// Browsers on Windows send a .csv file as application/vnd.ms-excel.
const CSV_MEDIA_TYPES = ['text/csv', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream'];

const LANGUAGE_SCHEMA = { type: 'string', enum: ['sv', 'en'] } as const;
const TAGS = ['import and export'];

const modelImportQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    parts: { type: 'string', maxLength: 100, pattern: '^(metaModel|requirements|objects)(,(metaModel|requirements|objects))*$' },
    dryRun: DRY_RUN_SCHEMA,
  },
} as const;

const csvImportQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: typeSchema,
    encoding: { type: 'string', enum: CSV_ENCODINGS },
    dryRun: { type: 'boolean', default: false },
  },
} as const;

const objectsExportQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: typeSchema,
    separator: { type: 'string', enum: [';', ','], default: ';' },
    language: LANGUAGE_SCHEMA,
  },
} as const;

/**
 * Registers the model export (`GET /api/exports/model`, read) and import
 * (`POST /api/imports/model`, admin, which previews with `dryRun=true`). Registers the CSV import of objects
 * (`POST /api/imports/csv`, write) and their CSV and XLSX export
 * (`GET /api/exports/objects.csv` and `.xlsx`, read).
 */
export async function registerExchangeRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  // A child context, so the CSV body parser and the error details apply to these routes only.
  await app.register(async (scope) => {
    sendErrorDetails(scope);
    scope.addContentTypeParser(CSV_MEDIA_TYPES, { parseAs: 'buffer', bodyLimit: CSV_BODY_LIMIT }, (_request, body, done) => done(null, body));
    const read = requireAccess(context, 'read');

    scope.get('/api/exports/model', { schema: { summary: 'Download the whole model as JSON', tags: TAGS }, preHandler: read }, async (request, reply) => {
      const document = await withRequestTransaction(context, request, async (transaction) => {
        await useSnapshot(transaction);
        return exportModel(transaction);
      });
      const fileName = `${context.secret.tenant} model ${document.exportedAt.slice(0, 10)}.json`;
      return sendAttachment(reply, fileName, 'application/json; charset=utf-8', JSON.stringify(document, null, 2));
    });

    scope.post<{ Querystring: { parts?: string; dryRun: boolean }; Body: unknown }>(
      '/api/imports/model',
      // Checked on request, before a body of up to 50 MiB is read.
      { schema: { summary: 'Import an exported model into a tenant without objects', tags: TAGS, querystring: modelImportQuerySchema }, bodyLimit: MODEL_BODY_LIMIT, onRequest: requireAccess(context, 'admin') },
      async (request, reply) => {
        if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) throw new AppError(COMMON_ERRORS.unsupportedMediaType);
        assertModelFormat(request.body);
        const parts = request.query.parts ? [...new Set(request.query.parts.split(','))] as ModelPart[] : [...MODEL_PARTS];
        const locale = requestLocale(request);
        const prepare = async (transaction: Transaction) => {
          await lockClassification(transaction);
          const objects = await countObjects(transaction);
          if (objects > 0) throw new AppError(EXCHANGE_ERRORS.tenantNotEmpty, { values: { objects } });
          return prepareModelImport(transaction, request.body, parts, locale);
        };
        const apply = (transaction: Transaction, prepared: PreparedModelImport, onProgress: (progress: ImportProgress) => void) =>
          writeModelImport(transaction, auditSourceOf(request), prepared, { locale, onProgress });

        if (request.query.dryRun) {
          // The whole import runs and is rolled back, so every problem it would find becomes a JSON error here.
          return withRequestTransaction(
            context,
            request,
            async (transaction) => {
              const counts = await apply(transaction, await prepare(transaction), () => undefined);
              request.log.info({ import: 'model import', dryRun: true, counts }, 'import preview finished');
              return { dryRun: true, parts, ...counts, ...(await readTransactionChanges(transaction, locale)) };
            },
            { rollBack: true },
          );
        }
        return streamImport(context, request, reply, { name: 'model import', prepare, apply });
      },
    );

    scope.post<{ Querystring: { type?: string; encoding?: CsvEncoding; dryRun: boolean }; Body: unknown }>(
      '/api/imports/csv',
      { schema: { summary: 'Create and update objects from a CSV file', tags: TAGS, querystring: csvImportQuerySchema }, bodyLimit: CSV_BODY_LIMIT, onRequest: requireAccess(context, 'write') },
      async (request, reply) => importCsv(context, request, reply),
    );

    scope.get<{ Querystring: { type?: string; separator: ';' | ','; language?: Locale } }>(
      '/api/exports/objects.csv',
      { schema: { summary: 'Download objects as CSV', tags: TAGS, querystring: objectsExportQuerySchema }, preHandler: read },
      async (request, reply) => {
        const { type, separator } = request.query;
        const language = request.query.language ?? requestLocale(request);
        const table = await withRequestTransaction(context, request, async (transaction) => {
          await useSnapshot(transaction);
          return readObjectsTable(transaction, { type, language, separator });
        });
        return sendAttachment(reply, `${table.fileName}.csv`, 'text/csv; charset=utf-8', writeObjectsCsv(table, separator));
      },
    );

    scope.get<{ Querystring: { type?: string; language?: Locale } }>(
      '/api/exports/objects.xlsx',
      { schema: { summary: 'Download objects as XLSX', tags: TAGS, querystring: { ...objectsExportQuerySchema, properties: { type: typeSchema, language: LANGUAGE_SCHEMA } } }, preHandler: read },
      async (request, reply) => {
        const language = request.query.language ?? requestLocale(request);
        const table = await withRequestTransaction(context, request, async (transaction) => {
          await useSnapshot(transaction);
          return readObjectsTable(transaction, { type: request.query.type, language, separator: ',' });
        });
        const workbook = await writeObjectsXlsx(table);
        return sendAttachment(reply, `${table.fileName}.xlsx`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', workbook);
      },
    );
  });
}

/**
 * Decodes and parses the file before any transaction, so encoding and
 * format problems are rejected at once. Then plans the import under the
 * classification lock, and either returns the plan (`dryRun=true`) or
 * writes it while streaming progress.
 */
async function importCsv(
  context: TenantContext,
  request: FastifyRequest<{ Querystring: { type?: string; encoding?: CsvEncoding; dryRun: boolean }; Body: unknown }>,
  reply: FastifyReply,
): Promise<unknown> {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!Buffer.isBuffer(request.body) || !CSV_MEDIA_TYPES.includes(contentType)) throw new AppError(COMMON_ERRORS.unsupportedMediaType);
  const { type, dryRun } = request.query;
  const locale = requestLocale(request);
  const { text, encoding } = decodeCsvBytes(request.body, request.query.encoding);
  const table = parseCsvTable(text, { maxRows: CSV_MAX_ROWS });
  const plan = async (transaction: Transaction) => {
    await lockClassification(transaction);
    return planCsvImport(transaction, table, { type, encoding, locale });
  };

  if (dryRun) return { dryRun: true, ...describePlan(await withRequestTransaction(context, request, plan), locale) };
  return streamImport(context, request, reply, {
    name: 'csv import',
    prepare: plan,
    apply: async (transaction, csvPlan, onProgress) => ({
      ...(await applyCsvImport(transaction, auditSourceOf(request), csvPlan, onProgress)),
      warnings: describeRowProblems(csvPlan.warnings, locale),
    }),
  });
}

/** The preview of a CSV import as the API returns it. */
function describePlan(plan: CsvImportPlan, locale: Locale) {
  const count = (action: string) => plan.rows.filter((row) => row.action === action).length;
  return {
    encoding: plan.encoding,
    separator: plan.separator,
    language: plan.language,
    created: count('create'),
    updated: count('update'),
    unchanged: count('unchanged'),
    rows: plan.rows.map((row) => ({
      line: row.line,
      action: row.action,
      objectId: row.action === 'create' ? null : row.objectId,
      type: row.type,
      name: row.name,
      changes: row.changes,
    })),
    warnings: describeRowProblems(plan.warnings, locale),
  };
}

/**
 * Makes every read of the transaction see one snapshot, so an export is
 * consistent while others write. Must be the transaction's first query
 * after the role switch of a read-level user.
 */
async function useSnapshot(transaction: Transaction): Promise<void> {
  await transaction.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
}

/**
 * Sends a file as a download. The file name may contain any letters:
 * `filename*` carries it in UTF-8, and `filename` an ASCII fallback with
 * diacritics removed and other characters replaced by `_`.
 */
function sendAttachment(reply: FastifyReply, fileName: string, contentType: string, body: string | Buffer): FastifyReply {
  const fallback = fileName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return reply
    .type(contentType)
    .header('content-disposition', contentDisposition(fileName, { fallback }))
    .header('cache-control', 'no-store')
    .send(body);
}
