import type { FastifyInstance } from 'fastify';
import { requestLocale } from '@esm/common';
import { auditSourceOf, writeAuditEntry } from '../audit/audit.js';
import { requireAccess } from '../auth/authenticate.js';
import { withRequestTransaction, type TenantContext } from '../context.js';
import { sendErrorDetails } from '../model/error-details.js';
import type { Transaction } from '../db/transaction.js';
import { DRY_RUN_SCHEMA, readTransactionChanges } from '../exchange/dry-run.js';
import { importModelDocument, type ModelDocument, type ModelPart } from '../exchange/model-document.js';
import { streamImport, type ImportProgress } from '../exchange/progress.js';
import { fetchTemplateExport } from './template-client.js';
import { TEMPLATE_PARTS, parseParts } from './template-parts.js';
import { listTemplateSources, readTemplateSource } from './template-sources.js';

const templateParamsSchema = {
  type: 'object',
  required: ['template'],
  properties: { template: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9-]*$' } },
} as const;

const importBodySchema = {
  type: 'object',
  required: ['parts'],
  additionalProperties: false,
  properties: {
    parts: { type: 'array', minItems: 1, maxItems: TEMPLATE_PARTS.length, uniqueItems: true, items: { type: 'string', enum: TEMPLATE_PARTS } },
  },
} as const;

const importQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { dryRun: DRY_RUN_SCHEMA },
} as const;

/**
 * Registers the importing side of templates, for administrators:
 * `GET /api/templates` lists the templates admin granted this tenant, and
 * `POST /api/templates/:template/import` imports chosen parts of one, or
 * with `dryRun=true` imports them in a transaction that is rolled back and
 * returns the counts as JSON.
 */
export function registerTemplateImportRoutes(app: FastifyInstance, context: TenantContext): void {
  const admin = requireAccess(context, 'admin');

  app.get('/api/templates', { schema: { summary: 'List the templates this tenant may import from', tags: ['templates'] }, preHandler: admin }, async (request) => ({
    templates: await withRequestTransaction(context, request, (transaction) => listTemplateSources(transaction)),
  }));

  // A child scope, so a rejected document's list of problems reaches the response of this route only.
  void app.register(async (scope) => {
    sendErrorDetails(scope);
    scope.post<{ Params: { template: string }; Body: { parts: ModelPart[] }; Querystring: { dryRun: boolean } }>(
      '/api/templates/:template/import',
      {
        schema: {
          summary: 'Import chosen parts of a template into this tenant',
          description:
            'Fetches the template\'s export through the platform and imports it in one transaction, all or nothing. Problems found ' +
            'before the import starts are JSON errors; after that the response is an NDJSON stream of `{ phase, done, total }` lines ' +
            "ending in `{ phase: 'finished', ... }` or `{ phase: 'failed', error: { code, message } }`. With `dryRun=true` the import " +
            'is rolled back and the response is JSON with the counts, and every problem is a JSON error.',
          tags: ['templates'],
          params: templateParamsSchema,
          querystring: importQuerySchema,
          body: importBodySchema,
        },
        preHandler: admin,
      },
      async (request, reply) => {
        const { template } = request.params;
        const parts = parseParts(request.body.parts);
        const source = await withRequestTransaction(context, request, (transaction) => readTemplateSource(transaction, template));
        // Fetched before the transaction starts, so no database connection waits on the network.
        const document = await fetchTemplateExport(source, context.secret.tenant, parts);
        request.log.info({ template, parts }, 'template export fetched');

        const write = async (transaction: Transaction, plan: ModelDocument, onProgress: (progress: ImportProgress) => void) => {
          const source = auditSourceOf(request);
          const counts = await importModelDocument(transaction, source, plan, { parts, onProgress, locale: requestLocale(request) });
          await writeAuditEntry(transaction, source, {
            action: 'import.template',
            entityType: 'template',
            entityId: template,
            before: null,
            after: { template, parts, counts },
            summary: `Template ${template} imported (${parts.join(', ')})`,
          });
          return counts;
        };

        if (request.query.dryRun) {
          return withRequestTransaction(
            context,
            request,
            async (transaction) => {
              const counts = await write(transaction, document as ModelDocument, () => undefined);
              request.log.info({ import: 'template import', dryRun: true, template, counts }, 'import preview finished');
              return { dryRun: true, template, parts, ...counts, ...(await readTransactionChanges(transaction, requestLocale(request))) };
            },
            { rollBack: true },
          );
        }
        return streamImport(context, request, reply, {
          name: 'template import',
          // importModelDocument checks the document itself; its problems end the stream with a `failed` line.
          prepare: async () => document as ModelDocument,
          apply: write,
        });
      },
    );
  });
}
