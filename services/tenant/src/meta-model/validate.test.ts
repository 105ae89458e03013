import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@esm/common';
import { createTestTenant, type TestTenant } from '../test-support/tenant-fixture.js';
import { withTransaction, type DatabaseAccess, type Transaction } from '../db/transaction.js';
import type { Attributes } from '../model/schemas.js';
import { checkObjectInput, checkRelationAllowed, loadMetaModel } from './validate.js';

describe('meta-model checks', () => {
  let tenant: TestTenant;
  let database: DatabaseAccess;
  let partnerId: string;
  let applicationId: string;

  beforeAll(async () => {
    tenant = await createTestTenant('validate');
    database = { pool: new pg.Pool({ ...tenant.secret.database.app, max: 2 }), readOnlyRole: tenant.secret.database.readOnly.user };
    await tenant.admin.query(`
      INSERT INTO esm.attribute_definitions (object_type, key, name_sv, name_en, kind, required, sort_order)
      VALUES ('server', 'serial', 'Serienummer', 'Serial number', 'text', true, 30);
      INSERT INTO esm.attribute_definitions (object_type, key, name_sv, name_en, kind, sort_order)
      VALUES ('application', 'depends_on_anything', 'Beroende', 'Dependency', 'reference', 50);
    `);
    const partner = await tenant.admin.query<{ id: string }>("INSERT INTO esm.objects (type, name) VALUES ('partner', 'Leverantör AB') RETURNING id");
    partnerId = partner.rows[0]!.id;
    const application = await tenant.admin.query<{ id: string }>("INSERT INTO esm.objects (type, name) VALUES ('application', 'Ekonomi') RETURNING id");
    applicationId = application.rows[0]!.id;
  });

  afterAll(async () => {
    await database.pool.end();
    await tenant.close();
  });

  function inTransaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T> {
    return withTransaction(database, { readOnly: false }, work);
  }

  async function problemsOf(type: string, attributes: Attributes): Promise<AppError> {
    const error = await inTransaction((transaction) => checkObjectInput(transaction, { type, attributes })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  describe('checkObjectInput', () => {
    it.each<[string, string, Attributes]>([
      ['text', 'application', { system_owner: 'Anna Andersson' }],
      ['text of 2,000 characters', 'application', { system_owner: 'x'.repeat(2000) }],
      ['empty text', 'application', { system_owner: '' }],
      ['long text with line breaks', 'information_object', { retention: 'Gallras efter\n10 år.' }],
      ['long text of 20,000 characters', 'information_object', { retention: 'x'.repeat(20000) }],
      ['a number', 'application', { user_count: 1250 }],
      ['a negative fraction', 'application', { user_count: -0.5 }],
      ['a date', 'partner', { contract_end: '2028-02-29' }],
      ['a choice key', 'application', { lifecycle: 'in_use' }],
      ['a boolean', 'information_object', { personal_data: false }],
      ['no attributes', 'process', {}],
    ])('accepts %s', async (_case, type, attributes) => {
      const stored = await inTransaction((transaction) => checkObjectInput(transaction, { type, attributes }));
      expect(stored).toEqual(attributes);
    });

    it('accepts a reference to an object of the referenced type', async () => {
      const stored = await inTransaction((transaction) =>
        checkObjectInput(transaction, { type: 'application', attributes: { supplier: partnerId } }),
      );
      expect(stored).toEqual({ supplier: partnerId });
    });

    it('accepts a reference of any type without referenceType', async () => {
      const stored = await inTransaction((transaction) =>
        checkObjectInput(transaction, { type: 'application', attributes: { depends_on_anything: applicationId } }),
      );
      expect(stored).toEqual({ depends_on_anything: applicationId });
    });

    it('accepts a reference to a pending object of an import', async () => {
      const pending = '11111111-2222-4333-8444-555555555555';
      const stored = await inTransaction((transaction) =>
        checkObjectInput(transaction, { type: 'application', attributes: { supplier: pending } }, { pendingObjects: new Map([[pending, 'partner']]) }),
      );
      expect(stored).toEqual({ supplier: pending });
    });

    it.each<[string, string, Attributes, string]>([
      ['text with a line break', 'application', { system_owner: 'Anna\nAndersson' }, 'ATTRIBUTE_TEXT_INVALID'],
      ['text with a carriage return', 'application', { system_owner: 'Anna\rAndersson' }, 'ATTRIBUTE_TEXT_INVALID'],
      ['text of 2,001 characters', 'application', { system_owner: 'x'.repeat(2001) }, 'ATTRIBUTE_TEXT_INVALID'],
      ['a number as text', 'application', { system_owner: 12 }, 'ATTRIBUTE_TEXT_INVALID'],
      ['long text of 20,001 characters', 'information_object', { retention: 'x'.repeat(20001) }, 'ATTRIBUTE_LONG_TEXT_INVALID'],
      ['a string as number', 'application', { user_count: '12' }, 'ATTRIBUTE_NUMBER_INVALID'],
      ['infinity as number', 'application', { user_count: Number.POSITIVE_INFINITY }, 'ATTRIBUTE_NUMBER_INVALID'],
      ['NaN as number', 'application', { user_count: Number.NaN }, 'ATTRIBUTE_NUMBER_INVALID'],
      ['a day that does not exist', 'partner', { contract_end: '2027-02-29' }, 'ATTRIBUTE_DATE_INVALID'],
      ['a month 13', 'partner', { contract_end: '2027-13-01' }, 'ATTRIBUTE_DATE_INVALID'],
      ['a date with a time', 'partner', { contract_end: '2027-01-01T00:00:00Z' }, 'ATTRIBUTE_DATE_INVALID'],
      ['a Swedish date format', 'partner', { contract_end: '1/2 2027' }, 'ATTRIBUTE_DATE_INVALID'],
      ['year zero', 'partner', { contract_end: '0000-01-01' }, 'ATTRIBUTE_DATE_INVALID'],
      ['a choice name instead of its key', 'application', { lifecycle: 'In use' }, 'ATTRIBUTE_CHOICE_INVALID'],
      ['the text "true" as boolean', 'information_object', { personal_data: 'true' }, 'ATTRIBUTE_BOOLEAN_INVALID'],
      ['a reference that is no uuid', 'application', { supplier: 'Leverantör AB' }, 'ATTRIBUTE_REFERENCE_INVALID'],
      ['a reference to no object', 'application', { supplier: '00000000-0000-4000-8000-000000000000' }, 'ATTRIBUTE_REFERENCE_NOT_FOUND'],
      ['an attribute the type lacks', 'process', { colour: 'blue' }, 'ATTRIBUTE_UNKNOWN'],
      ['an attribute named like an Object property', 'process', { constructor: 'x' }, 'ATTRIBUTE_UNKNOWN'],
    ])('rejects %s', async (_case, type, attributes, fieldCode) => {
      const error = await problemsOf(type, attributes);
      expect(error.status).toBe(422);
      expect(error.code).toBe('OBJECT_ATTRIBUTES_INVALID');
      expect(error.fields).toEqual([{ field: `attributes.${Object.keys(attributes)[0]}`, code: fieldCode }]);
    });

    it('rejects a reference to an object of another type', async () => {
      const error = await problemsOf('application', { supplier: applicationId });
      expect(error.fields).toEqual([{ field: 'attributes.supplier', code: 'ATTRIBUTE_REFERENCE_WRONG_TYPE' }]);
    });

    it('rejects a missing required attribute and one of only spaces', async () => {
      expect((await problemsOf('server', {})).fields).toEqual([{ field: 'attributes.serial', code: 'ATTRIBUTE_REQUIRED' }]);
      expect((await problemsOf('server', { serial: '  ' })).fields).toEqual([{ field: 'attributes.serial', code: 'ATTRIBUTE_REQUIRED' }]);
    });

    it('names every invalid attribute in one error', async () => {
      const error = await problemsOf('server', { hostname: 'a\nb', colour: 'blue' });
      expect(error.fields).toEqual([
        { field: 'attributes.hostname', code: 'ATTRIBUTE_TEXT_INVALID' },
        { field: 'attributes.colour', code: 'ATTRIBUTE_UNKNOWN' },
        { field: 'attributes.serial', code: 'ATTRIBUTE_REQUIRED' },
      ]);
      expect(error.userMessage('en')).toContain('Host name, colour, Serial number');
    });

    it('rejects a type the meta-model lacks', async () => {
      const error = await problemsOf('BusinessActor', {});
      expect(error.status).toBe(422);
      expect(error.code).toBe('OBJECT_TYPE_UNKNOWN');
      expect(error.fields).toEqual([{ field: 'type', code: 'OBJECT_TYPE_UNKNOWN' }]);
    });
  });

  describe('checkRelationAllowed', () => {
    async function relationError(type: string, sourceType: string, targetType: string): Promise<unknown> {
      return inTransaction((transaction) => checkRelationAllowed(transaction, { type, sourceType, targetType })).catch((caught: unknown) => caught);
    }

    it('accepts allowed ends', async () => {
      expect(await relationError('handled_in', 'information_object', 'application')).toBeUndefined();
    });

    it('accepts any ends for an ArchiMate relation type', async () => {
      expect(await relationError('archimate_serving', 'server', 'process')).toBeUndefined();
    });

    it('rejects a relation type that does not exist', async () => {
      const error = (await relationError('owns', 'process', 'application')) as AppError;
      expect(error.code).toBe('RELATION_TYPE_UNKNOWN');
      expect(error.status).toBe(422);
      expect(error.fields).toEqual([{ field: 'type', code: 'RELATION_TYPE_UNKNOWN' }]);
    });

    it('rejects ends the type does not allow and names each', async () => {
      const error = (await relationError('handled_in', 'application', 'information_object')) as AppError;
      expect(error.code).toBe('RELATION_NOT_ALLOWED');
      expect(error.status).toBe(422);
      expect(error.fields).toEqual([
        { field: 'sourceId', code: 'RELATION_SOURCE_TYPE_NOT_ALLOWED' },
        { field: 'targetId', code: 'RELATION_TARGET_TYPE_NOT_ALLOWED' },
      ]);
      expect(error.userMessage('sv')).toContain('av typen hanteras i kan inte gå från ett objekt av typen Applikation');
    });
  });

  describe('loadMetaModel', () => {
    it('returns the default types with attributes in sort order', async () => {
      const metaModel = await inTransaction((transaction) => loadMetaModel(transaction));
      const application = metaModel.objectTypes.find((type) => type.key === 'application');
      expect(application?.attributes.map((attribute) => attribute.key)).toEqual([
        'system_owner', 'lifecycle', 'user_count', 'supplier', 'depends_on_anything',
      ]);
      expect(application?.attributes[1]?.choices.map((choice) => choice.key)).toEqual(['planned', 'in_use', 'phasing_out', 'retired']);
      const handledIn = metaModel.relationTypes.find((type) => type.key === 'handled_in');
      expect(handledIn).toMatchObject({ sourceTypes: ['information_object'], targetTypes: ['application', 'platform_service'], protectionFlow: 'source_to_target' });
    });
  });
});
