import type { FastifyInstance } from 'fastify';
import type { TenantContext } from '../context.js';
import { registerTemplateExportRoute } from './export-route.js';
import { registerTemplateImportRoutes } from './import-routes.js';

/** Registers the template export (served only by a template tenant) and the template import routes. */
export function registerTemplateRoutes(app: FastifyInstance, context: TenantContext): void {
  registerTemplateExportRoute(app, context);
  registerTemplateImportRoutes(app, context);
}
