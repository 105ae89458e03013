import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';
import { createObjectAs, createRelationAs } from '../test-support/model-requests.js';

/**
 * Error messages name object types, relation types, attributes and
 * classification dimensions in the user's language rather than by their keys.
 */
describe('names in error messages', () => {
  let tenant: TestTenant;
  let writer: string;
  let admin: string;
  let informationId: string;
  let serverId: string;

  beforeAll(async () => {
    tenant = await createTestTenant('error-names');
    writer = (await createUserWithToken(tenant, 'write')).token;
    admin = (await createUserWithToken(tenant, 'admin')).token;
    informationId = (await createObjectAs(tenant, writer, { type: 'information_object', name: 'Customer data' })).id;
    serverId = (await createObjectAs(tenant, writer, { type: 'server', name: 'Host 1' })).id;
    const portal = await createObjectAs(tenant, writer, { type: 'application', name: 'Portal' });
    await createRelationAs(tenant, writer, 'handled_in', informationId, portal.id);
  });

  afterAll(async () => tenant.close());

  function send(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, language: 'sv' | 'en', payload?: object, token = writer) {
    return tenant.app.inject({ method, url, headers: { ...bearer(token), 'accept-language': language }, payload });
  }

  /** Sends the request in Swedish and in English and returns the error code and both messages. */
  async function messages(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object, token = writer) {
    const swedish = (await send(method, url, 'sv', payload, token)).json().error;
    const english = (await send(method, url, 'en', payload, token)).json().error;
    expect(swedish.code).toBe(english.code);
    return { code: swedish.code as string, sv: swedish.message as string, en: english.message as string };
  }

  it('RELATION_NOT_ALLOWED names the relation type and both object types', async () => {
    const error = await messages('POST', '/api/relations', { type: 'handled_in', sourceId: informationId, targetId: serverId });
    expect(error.code).toBe('RELATION_NOT_ALLOWED');
    expect(error.en).toContain('A relation of type is handled in cannot go from an object of type Information object to an object of type Server.');
    expect(error.sv).toContain('En relation av typen hanteras i kan inte gå från ett objekt av typen Informationsobjekt till ett objekt av typen Server.');
    expect(error.en).not.toContain('handled_in');
    expect(error.sv).not.toContain('information_object');
  });

  it('OBJECT_TYPE_RESERVED names the requirement type', async () => {
    const error = await messages('POST', '/api/objects', { type: 'requirement_set', name: 'ISO 27001' });
    expect(error.code).toBe('OBJECT_TYPE_RESERVED');
    expect(error.en).toContain('Objects of type Requirement set are');
    expect(error.sv).toContain('Objekt av typen Kravsamling är');
  });

  it('OBJECT_ATTRIBUTES_INVALID names the attributes, and an unknown key by itself', async () => {
    const error = await messages('POST', '/api/objects', { type: 'application', name: 'App', attributes: { user_count: 'many', colour: 'red' } });
    expect(error.code).toBe('OBJECT_ATTRIBUTES_INVALID');
    expect(error.en).toContain('Number of users');
    expect(error.sv).toContain('Antal användare');
    expect(error.en).toContain('colour');
    expect(error.en).not.toContain('user_count');
  });

  it('OBJECT_TYPE_CHANGE_BREAKS_RELATIONS names the new type and the relation type', async () => {
    const error = await messages('PATCH', `/api/objects/${informationId}`, { version: 1, type: 'partner' });
    expect(error.code).toBe('OBJECT_TYPE_CHANGE_BREAKS_RELATIONS');
    expect(error.en).toContain('The type cannot be changed to Partner or supplier because these relations do not allow it: Customer data –is handled in→ Portal.');
    expect(error.sv).toContain('Customer data –hanteras i→ Portal');
  });

  it('CLASSIFICATION_LEVEL_UNKNOWN names the dimension', async () => {
    const error = await messages('PUT', `/api/objects/${informationId}/classification/confidentiality`, { level: 99, justification: 'Test' });
    expect(error.code).toBe('CLASSIFICATION_LEVEL_UNKNOWN');
    expect(error.en).toContain('not on the scale of Confidentiality');
    expect(error.sv).toContain('i skalan för Konfidentialitet');
  });

  it('CLASSIFICATION_LEVEL_NOT_SET names the dimension', async () => {
    const error = await messages('DELETE', `/api/objects/${informationId}/classification/integrity?version=1`);
    expect(error.code).toBe('CLASSIFICATION_LEVEL_NOT_SET');
    expect(error.en).toContain('in Integrity');
    expect(error.sv).toContain('i Riktighet');
  });

  it('OBJECT_TYPE_IN_USE names the object type', async () => {
    const error = await messages('DELETE', '/api/meta-model/object-types/server?version=1', undefined, admin);
    expect(error.code).toBe('OBJECT_TYPE_IN_USE');
    expect(error.en).toContain('The object type Server cannot be removed');
    expect(error.sv).toContain('Objekttypen Server kan inte tas bort');
  });

  it('RELATION_TYPE_IN_USE names the relation type', async () => {
    const error = await messages('DELETE', '/api/meta-model/relation-types/handled_in?version=1', undefined, admin);
    expect(error.code).toBe('RELATION_TYPE_IN_USE');
    expect(error.en).toContain('The relation type is handled in cannot be removed while 1 relations');
    expect(error.sv).toContain('Relationstypen hanteras i kan inte tas bort');
  });
});
