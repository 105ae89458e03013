import type { FastifyInstance } from 'fastify';
import { requireAccess } from '../auth/authenticate.js';
import { auditSourceOf } from '../audit/audit.js';
import { withRequestTransaction, type TenantContext } from '../context.js';
import { notifyChange } from '../live/notify.js';
import { sendErrorDetails } from '../model/error-details.js';
import { removeLevel, setLevel, type LevelInput } from './assignments.js';
import { describeCycles, listCycles } from './cycle-report.js';
import { readObjectClassification } from './explanation.js';
import { readOverview } from './overview.js';
import { lockClassification, recomputeAll } from './propagation.js';
import { readScale, replaceScale, type ScaleDimension } from './scale.js';
import {
  levelBodySchema,
  levelRemovalQuerySchema,
  objectDimensionParamsSchema,
  objectParamsSchema,
  overviewQuerySchema,
  scaleBodySchema,
} from './schemas.js';

type ByObject = { Params: { id: string } };
type ByObjectDimension = { Params: { id: string; dimension: string } };

/** A scale in a request body, where level descriptions may be left out. */
interface ScaleBody {
  version: number;
  dimensions: (Omit<ScaleDimension, 'levels'> & {
    levels: { level: number; nameSv: string; nameEn: string; descriptionSv?: string; descriptionEn?: string }[];
  })[];
}

const tags = ['classification'];

/**
 * Registers the classification routes: reading needs read access, setting
 * levels needs write, and changing the scale or recomputing needs admin.
 * Registered in their own scope, so 409 conflicts can carry the current
 * scale or level next to the error code.
 */
export async function registerClassificationRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  await app.register(async (scope) => {
    sendErrorDetails(scope);
    registerScaleRoutes(scope, context);
    registerObjectLevelRoutes(scope, context);
    registerReportRoutes(scope, context);
  });
}

function registerScaleRoutes(scope: FastifyInstance, context: TenantContext): void {
  scope.get(
    '/api/classification/scale',
    { schema: { summary: 'The classification scale: dimensions with their levels', tags }, preHandler: requireAccess(context, 'read') },
    async (request) => withRequestTransaction(context, request, (transaction) => readScale(transaction)),
  );

  scope.put<{ Body: ScaleBody }>(
    '/api/classification/scale',
    { schema: { summary: 'Replace the classification scale', tags, body: scaleBodySchema }, preHandler: requireAccess(context, 'admin') },
    async (request) => {
      const dimensions = request.body.dimensions.map((dimension) => ({
        ...dimension,
        levels: dimension.levels
          .map((level) => ({ ...level, descriptionSv: level.descriptionSv ?? '', descriptionEn: level.descriptionEn ?? '' }))
          .sort((a, b) => a.level - b.level),
      }));
      return withRequestTransaction(context, request, (transaction) =>
        replaceScale(transaction, auditSourceOf(request), { version: request.body.version, dimensions }),
      );
    },
  );
}

function registerObjectLevelRoutes(scope: FastifyInstance, context: TenantContext): void {
  scope.get<ByObject>(
    '/api/objects/:id/classification',
    {
      schema: { summary: 'The levels of an object per dimension, with explanations', tags, params: objectParamsSchema },
      preHandler: requireAccess(context, 'read'),
    },
    async (request) => withRequestTransaction(context, request, (transaction) => readObjectClassification(transaction, request.params.id)),
  );

  // Both changes return the object's levels as they are after the commit.
  scope.put<ByObjectDimension & { Body: LevelInput }>(
    '/api/objects/:id/classification/:dimension',
    {
      schema: { summary: 'Set the level of a dimension on an object by hand', tags, params: objectDimensionParamsSchema, body: levelBodySchema },
      preHandler: requireAccess(context, 'write'),
    },
    async (request) => {
      const { id, dimension } = request.params;
      await withRequestTransaction(context, request, (transaction) => setLevel(transaction, auditSourceOf(request), id, dimension, request.body));
      return withRequestTransaction(context, request, (transaction) => readObjectClassification(transaction, id));
    },
  );

  scope.delete<ByObjectDimension & { Querystring: { version: number } }>(
    '/api/objects/:id/classification/:dimension',
    {
      schema: {
        summary: 'Remove the level set by hand in a dimension of an object',
        tags,
        params: objectDimensionParamsSchema,
        querystring: levelRemovalQuerySchema,
      },
      preHandler: requireAccess(context, 'write'),
    },
    async (request) => {
      const { id, dimension } = request.params;
      await withRequestTransaction(context, request, (transaction) =>
        removeLevel(transaction, auditSourceOf(request), id, dimension, request.query.version),
      );
      return withRequestTransaction(context, request, (transaction) => readObjectClassification(transaction, id));
    },
  );
}

function registerReportRoutes(scope: FastifyInstance, context: TenantContext): void {
  scope.get<{ Querystring: { type?: string } }>(
    '/api/classification/overview',
    {
      schema: { summary: 'The number of objects per effective level in each dimension', tags, querystring: overviewQuerySchema },
      preHandler: requireAccess(context, 'read'),
    },
    async (request) => withRequestTransaction(context, request, (transaction) => readOverview(transaction, request.query.type ?? null)),
  );

  scope.get(
    '/api/classification/cycles',
    { schema: { summary: 'The cycles of relations that carry levels', tags }, preHandler: requireAccess(context, 'read') },
    async (request) => ({ cycles: await withRequestTransaction(context, request, (transaction) => listCycles(transaction)) }),
  );

  // Changes no facts, only the stored inherited levels derived from them, so it is not audited.
  scope.post(
    '/api/classification/recompute',
    { schema: { summary: 'Recompute every inherited level', tags }, preHandler: requireAccess(context, 'admin') },
    async (request) =>
      withRequestTransaction(context, request, async (transaction) => {
        await lockClassification(transaction);
        const { changes, cycles } = await recomputeAll(transaction);
        if (changes > 0) await notifyChange(transaction, { entity: 'classification', action: 'updated', id: null });
        return { changes, cycles: await describeCycles(transaction, cycles) };
      }),
  );
}
