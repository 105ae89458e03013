import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, COMMON_ERRORS, requestLocale, toAppError } from '@esm/common';
import { requireAccess } from '../../auth/authenticate.js';
import { auditSourceOf } from '../../audit/audit.js';
import { withRequestTransaction, type TenantContext } from '../../context.js';
import { DRY_RUN_SCHEMA, readTransactionChanges } from '../../exchange/dry-run.js';
import { parseArchimateModel, type ArchimateModel } from './parse.js';
import { importArchimateModel } from './import.js';

/** Largest exchange file accepted. */
export const ARCHIMATE_BODY_LIMIT = 20 * 1024 * 1024;

/**
 * Registers `POST /api/imports/archimate`. The file is parsed and checked
 * completely first, so every problem in it gets a normal 422 JSON error.
 * The NDJSON stream starts only then, because its 200 status is sent before
 * the transaction ends. A later failure rolls the transaction back and is
 * reported as the final `{ phase: 'failed' }` line.
 *
 * With `dryRun=true` the route runs the whole import and rolls it back, and
 * returns JSON with what it would create, update and leave unchanged. Every
 * problem is then a JSON error, with the code the import would end with.
 * NOTE: like the import, a dry run reports only the first problem, because
 * the parser and the checks stop there.
 *
 * The route needs write access, but only an administrator's import may add
 * the object types and attributes a file needs, because they change the
 * meta-model.
 */
export async function registerArchimateImportRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  // Registered in a child context so the XML parser and the larger limit apply to this route only.
  await app.register(async (scope) => {
    scope.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: ARCHIMATE_BODY_LIMIT }, (_request, body, done) =>
      done(null, body),
    );
    scope.post<{ Body: string; Querystring: { dryRun: boolean } }>(
      '/api/imports/archimate',
      {
        schema: {
          summary: 'Import an ArchiMate 3 exchange file, or preview the import with dryRun=true',
          tags: ['import and export'],
          querystring: { type: 'object', additionalProperties: false, properties: { dryRun: DRY_RUN_SCHEMA } },
        },
        bodyLimit: ARCHIMATE_BODY_LIMIT,
        // Checked on request, before a body of up to 20 MiB is read.
        onRequest: requireAccess(context, 'write'),
      },
      async (request, reply) => {
        // Other content types (JSON, plain text) reach here parsed by Fastify's own parsers.
        if (typeof request.body !== 'string' || !/^(application|text)\/xml\b/.test(request.headers['content-type'] ?? '')) {
          throw new AppError(COMMON_ERRORS.unsupportedMediaType);
        }
        const model = parseArchimateModel(request.body);
        if (request.query.dryRun) return previewImport(context, request, model);
        return streamImport(context, request, reply, model);
      },
    );
  });
}

/** Runs the import in a transaction that is rolled back, and returns what it would change. */
async function previewImport(context: TenantContext, request: FastifyRequest, model: ArchimateModel) {
  const preview = await withRequestTransaction(
    context,
    request,
    async (transaction) => {
      const result = await importArchimateModel(transaction, auditSourceOf(request), model, {
        mayChangeMetaModel: request.user?.accessLevel === 'admin',
        onProgress: () => undefined,
      });
      return { result, changes: await readTransactionChanges(transaction, requestLocale(request)) };
    },
    { rollBack: true },
  );
  const { result, changes } = preview;
  request.log.info({ import: 'archimate import', dryRun: true, objects: result.objects, relations: result.relations }, 'import preview finished');
  return {
    dryRun: true,
    objects: model.elements.length,
    relations: model.relationships.length,
    created: { objects: result.objects.created, relations: result.relations.created },
    updated: { objects: result.objects.updated, relations: result.relations.updated },
    unchanged: { objects: result.objects.unchanged, relations: result.relations.unchanged },
    createdObjectTypes: result.createdObjectTypes,
    createdAttributes: result.createdAttributes,
    ...changes,
  };
}

function streamImport(context: TenantContext, request: FastifyRequest, reply: FastifyReply, model: ArchimateModel): FastifyReply {
  const stream = new PassThrough();
  const writeLine = (line: object) => stream.write(`${JSON.stringify(line)}\n`);
  const parsed = model.elements.length + model.relationships.length;
  writeLine({ phase: 'parsing', done: parsed, total: parsed });

  void withRequestTransaction(context, request, (transaction) =>
    importArchimateModel(transaction, auditSourceOf(request), model, {
      mayChangeMetaModel: request.user?.accessLevel === 'admin',
      onProgress: writeLine,
    }),
  )
    .then((result) => {
      request.log.info(result, 'archimate import finished');
      writeLine({
        phase: 'finished',
        objects: model.elements.length,
        relations: model.relationships.length,
        created: { objects: result.objects.created, relations: result.relations.created },
        updated: { objects: result.objects.updated, relations: result.relations.updated },
        createdObjectTypes: result.createdObjectTypes,
        createdAttributes: result.createdAttributes,
      });
    })
    .catch((error: unknown) => {
      const appError = toAppError(error);
      request.log.error({ err: error, code: appError.code }, 'archimate import failed');
      writeLine({ phase: 'failed', error: { code: appError.code, message: appError.userMessage(requestLocale(request)) } });
    })
    .finally(() => stream.end());

  return reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(stream);
}
