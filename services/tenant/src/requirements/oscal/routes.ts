import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, COMMON_ERRORS, requestLocale, toAppError } from '@esm/common';
import { requireAccess } from '../../auth/authenticate.js';
import { auditSourceOf } from '../../audit/audit.js';
import { withRequestTransaction, type TenantContext } from '../../context.js';
import { DRY_RUN_SCHEMA } from '../../exchange/dry-run.js';
import { parseOscalCatalog, type OscalCatalog } from './parse.js';
import { findImportTarget, importOscalCatalog } from './import.js';

/** Largest catalog file accepted. The resolved NIST SP 800-53 rev. 5 LOW baseline catalog is 2.6 MB of JSON. */
export const OSCAL_BODY_LIMIT = 20 * 1024 * 1024;

const JSON_MEDIA_TYPES = ['application/json', 'application/oscal+json'];
const XML_MEDIA_TYPES = ['application/xml', 'text/xml', 'application/oscal+xml'];

/**
 * Registers `POST /api/requirement-sets/imports/oscal` (admin). The catalog
 * is parsed and checked completely first, so every problem in it gets a
 * normal 422 JSON error, and so is the choice of the set it updates (409). The NDJSON stream starts only then, because its 200
 * status is sent before the transaction ends. A later failure rolls the
 * transaction back and is reported as the final `{ phase: 'failed' }` line.
 *
 * With `dryRun=true` the route runs the whole import and rolls it back, and
 * returns JSON with the counts, the catalog's and the stored set's source
 * and whether the catalog is older. An older catalog is still a 409 unless
 * `allowOlder=true`, as in the import.
 */
export async function registerOscalImportRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  // A child context, so the raw-text parsers and the larger limit apply to this route only.
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      [...JSON_MEDIA_TYPES, ...XML_MEDIA_TYPES],
      { parseAs: 'string', bodyLimit: OSCAL_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    scope.post<{ Body: string; Querystring: { allowOlder: boolean; dryRun: boolean } }>(
      '/api/requirement-sets/imports/oscal',
      // Checked on request, before a body of up to 20 MiB is read.
      {
        schema: {
          summary: 'Import an OSCAL catalog in JSON or XML as a requirement set, or update the set it matches',
          tags: ['requirements'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { allowOlder: { type: 'boolean', default: false }, dryRun: DRY_RUN_SCHEMA },
          },
        },
        bodyLimit: OSCAL_BODY_LIMIT,
        onRequest: requireAccess(context, 'admin'),
      },
      async (request, reply) => {
        const format = formatOf(request.headers['content-type']);
        // Other content types (plain text) reach here parsed by Fastify's own parsers.
        if (typeof request.body !== 'string' || format === null) throw new AppError(COMMON_ERRORS.unsupportedMediaType);
        const catalog = parseOscalCatalog(request.body, format);
        // Checked here too, so an ambiguous title is a 409 before the stream; the import checks again under its lock.
        const { allowOlder } = request.query;
        if (request.query.dryRun) return previewImport(context, request, catalog, allowOlder);
        await withRequestTransaction(context, request, (transaction) => findImportTarget(transaction, catalog, { lock: false, allowOlder }));
        return streamImport(context, request, reply, catalog, allowOlder);
      },
    );
  });
}

function formatOf(contentType: string | undefined): 'json' | 'xml' | null {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (JSON_MEDIA_TYPES.includes(mediaType)) return 'json';
  if (XML_MEDIA_TYPES.includes(mediaType)) return 'xml';
  return null;
}

/** Runs the import in a transaction that is rolled back, and returns what it would change. */
async function previewImport(context: TenantContext, request: FastifyRequest, catalog: OscalCatalog, allowOlder: boolean) {
  const { target, counts } = await withRequestTransaction(
    context,
    request,
    async (transaction) => {
      // Read without the age check, so the preview can name the stored source. The import checks the age itself.
      const found = await findImportTarget(transaction, catalog, { lock: false, allowOlder: true });
      const imported = await importOscalCatalog(transaction, auditSourceOf(request), catalog, () => undefined, { allowOlder });
      return { target: found, counts: imported };
    },
    { rollBack: true },
  );
  request.log.info({ import: 'oscal import', dryRun: true, ...counts }, 'import preview finished');
  const storedLastModified = typeof target?.source.lastModified === 'string' ? new Date(target.source.lastModified) : null;
  return {
    dryRun: true,
    catalog: { title: catalog.title, uuid: catalog.uuid, version: catalog.version, lastModified: catalog.lastModified?.toISOString() ?? null },
    stored: target?.source ?? null,
    older: storedLastModified !== null && catalog.lastModified !== null && catalog.lastModified < storedLastModified,
    ...counts,
    // A new set's id is rolled back with it.
    setId: counts.created ? null : counts.setId,
  };
}

function streamImport(
  context: TenantContext,
  request: FastifyRequest,
  reply: FastifyReply,
  catalog: OscalCatalog,
  allowOlder: boolean,
): FastifyReply {
  const stream = new PassThrough();
  const writeLine = (line: object) => stream.write(`${JSON.stringify(line)}\n`);
  writeLine({ phase: 'parsing', done: catalog.items.length, total: catalog.items.length });
  void withRequestTransaction(context, request, (transaction) =>
    importOscalCatalog(transaction, auditSourceOf(request), catalog, writeLine, { allowOlder }),
  )
    .then((counts) => {
      request.log.info(counts, 'oscal import finished');
      writeLine({ phase: 'finished', ...counts });
    })
    .catch((error: unknown) => {
      const appError = toAppError(error);
      request.log.error({ err: error, code: appError.code }, 'oscal import failed');
      writeLine({ phase: 'failed', error: { code: appError.code, message: appError.userMessage(requestLocale(request)) } });
    })
    .finally(() => stream.end());
  return reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(stream);
}
