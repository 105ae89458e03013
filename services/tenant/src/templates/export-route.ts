import type { FastifyInstance } from 'fastify';
import { AppError, COMMON_ERRORS, TEMPLATE_IMPORTER_HEADER } from '@esm/common';
import { writeAuditEntry } from '../audit/audit.js';
import type { TenantContext } from '../context.js';
import { withTransaction } from '../db/transaction.js';
import { exportModel } from '../exchange/model-document.js';
import { PARTS_PARAMETER_PATTERN, parseParts } from './template-parts.js';
import { verifyTemplateCredential } from './verify-credential.js';

const exportSchema = {
  summary: "Export this template's model to an importing tenant",
  description:
    'Only a template tenant serves this route, and any other responds with 404 ROUTE_NOT_FOUND. It accepts only a credential that the ' +
    'platform issued to the tenant named in ESM-Importer, never a user\'s access token, and responds with 401 TEMPLATE_CREDENTIAL_INVALID ' +
    'for a missing, unknown, expired or revoked credential or another importer.',
  tags: ['templates'],
  security: [{ templateCredential: [] }],
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { parts: { type: 'string', maxLength: 100, pattern: PARTS_PARAMETER_PATTERN } },
  },
  headers: {
    type: 'object',
    // No bounds here: a malformed header gets the same 401 as any other wrong one, not a 400.
    properties: { [TEMPLATE_IMPORTER_HEADER]: { type: 'string', description: 'The name of the importing tenant.' } },
  },
} as const;

/**
 * Registers `GET /api/template/export?parts=metaModel,requirements,objects`,
 * which returns the JSON model document of the chosen parts (all when
 * `parts` is missing) and audits `template.exported` with the importer.
 */
export function registerTemplateExportRoute(app: FastifyInstance, context: TenantContext): void {
  // On request, before the query is validated, so a tenant that is no template gives the same 404 as an unknown path.
  const requireTemplate = async () => {
    if (context.secret.template !== true) throw new AppError(COMMON_ERRORS.notFound, { detail: 'tenant is not a template' });
  };

  app.get<{ Querystring: { parts?: string } }>('/api/template/export', { schema: exportSchema, onRequest: requireTemplate }, async (request, reply) => {
    const importerHeader = request.headers[TEMPLATE_IMPORTER_HEADER];
    const importer = typeof importerHeader === 'string' ? importerHeader : undefined;
    const parts = parseParts(request.query.parts);
    // One snapshot for every table the export reads. The app login, not the read-only role, can read the credential hashes.
    const { credential, document } = await withTransaction(context.database, { readOnly: false }, async (transaction) => {
      await transaction.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const verified = await verifyTemplateCredential(transaction, request.headers.authorization, importer);
      request.log.info({ importer: verified.importer, credentialId: verified.id, parts }, 'template export requested');
      return { credential: verified, document: await exportModel(transaction, parts) };
    });
    // A transaction of its own, because the audit chain accepts entries only in READ COMMITTED. The
    // document is sent only after the entry is written.
    await withTransaction(context.database, { readOnly: false }, (transaction) =>
      writeAuditEntry(
        transaction,
        { actorId: null, actorEmail: null, requestId: request.id, clientAddress: request.ip },
        {
          action: 'template.exported',
          entityType: 'template',
          entityId: credential.id,
          before: null,
          after: { importer: credential.importer, parts },
          summary: `Template exported to ${credential.importer} (${parts.join(', ')})`,
        },
      ),
    );
    return reply.header('cache-control', 'no-store').send(document);
  });
}
