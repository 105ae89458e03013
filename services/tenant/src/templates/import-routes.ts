import type { FastifyInstance } from 'fastify';
import { requestLocale } from '@esm/common';
import { auditSourceOf, writeAuditEntry } from '../audit/audit.js';
import { requireAccess } from '../auth/authenticate.js';
import { withRequestTransaction, type TenantContext } from '../context.js';
import { importModelDocument, type ModelDocument, type ModelPart } from '../exchange/model-document.js';
import { streamImport } from '../exchange/progress.js';
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

/**
 * Registers the importing side of templates, for administrators:
 * `GET /api/templates` lists the templates admin granted this tenant, and
 * `POST /api/templates/:template/import` imports chosen parts of one.
 */
export function registerTemplateImportRoutes(app: FastifyInstance, context: TenantContext): void {
  const admin = requireAccess(context, 'admin');

  app.get('/api/templates', { schema: { summary: 'List the templates this tenant may import from', tags: ['templates'] }, preHandler: admin }, async (request) => ({
    templates: await withRequestTransaction(context, request, (transaction) => listTemplateSources(transaction)),
  }));

  app.post<{ Params: { template: string }; Body: { parts: ModelPart[] } }>(
    '/api/templates/:template/import',
    {
      schema: {
        summary: 'Import chosen parts of a template into this tenant',
        description:
          'Fetches the template\'s export through the platform and imports it in one transaction, all or nothing. Problems found ' +
          'before the import starts are JSON errors; after that the response is an NDJSON stream of `{ phase, done, total }` lines ' +
          "ending in `{ phase: 'finished', ... }` or `{ phase: 'failed', error: { code, message } }`.",
        tags: ['templates'],
        params: templateParamsSchema,
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

      return streamImport(context, request, reply, {
        name: 'template import',
        // importModelDocument checks the document itself; its problems end the stream with a `failed` line.
        prepare: async () => document as ModelDocument,
        apply: async (transaction, plan, onProgress) => {
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
        },
      });
    },
  );
}
