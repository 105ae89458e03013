import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@esm/common';
import { buildTenantApp } from '../app.js';
import {
  connectAuthenticatedLiveClient,
  listenForLiveClients,
  waitFor,
  type LiveClient,
} from '../test-support/live-client.js';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';
import { LISTENER_APPLICATION_NAME, parseChangeNotice } from './change-listener.js';
import { notifyChange, type ChangeNotice } from './notify.js';

/** Queues `notice` in a transaction of the superuser and commits it, or rolls it back. */
async function sendNotice(tenant: TestTenant, notice: ChangeNotice, outcome: 'COMMIT' | 'ROLLBACK' = 'COMMIT'): Promise<void> {
  const client = await tenant.admin.connect();
  try {
    await client.query('BEGIN');
    await notifyChange(client, notice);
    await client.query(outcome);
  } finally {
    client.release();
  }
}

/**
 * Sends a committed marker notice and waits until `client` has it. PostgreSQL
 * delivers notices in commit order, so once the marker is there, every notice
 * committed before it has arrived too.
 */
async function waitForMarker(tenant: TestTenant, client: LiveClient): Promise<void> {
  const marker = `marker-${randomUUID()}`;
  await sendNotice(tenant, { entity: 'model', action: 'imported', id: marker });
  await waitFor(() => client.messages.some((message) => message.id === marker));
}

function changesOf(client: LiveClient, id: string): Record<string, unknown>[] {
  return client.messages.filter((message) => message.type === 'changed' && message.id === id);
}

describe('live updates', () => {
  let tenant: TestTenant;
  let url: string;
  let writer: { token: string };
  let reader: { token: string };

  beforeAll(async () => {
    tenant = await createTestTenant('live-updates');
    writer = await createUserWithToken(tenant, 'write');
    reader = await createUserWithToken(tenant, 'read');
    url = await listenForLiveClients(tenant.app);
  });

  afterAll(async () => tenant.close());

  it('change by one client reaches a second client', async () => {
    const changing = await connectAuthenticatedLiveClient(url, tenant.secret.origin, writer.token);
    const watching = await connectAuthenticatedLiveClient(url, tenant.secret.origin, reader.token);
    const created = await tenant.app.inject({
      method: 'POST',
      url: '/api/objects',
      headers: bearer(writer.token),
      payload: { type: 'process', name: 'Watched process' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;

    const updated = await tenant.app.inject({
      method: 'PATCH',
      url: `/api/objects/${id}`,
      headers: bearer(writer.token),
      payload: { version: 1, name: 'Renamed process' },
    });
    expect(updated.statusCode).toBe(200);
    await waitForMarker(tenant, watching);
    await waitForMarker(tenant, changing);

    for (const client of [watching, changing]) {
      expect(changesOf(client, id)).toEqual([
        expect.objectContaining({ type: 'changed', entity: 'object', action: 'created', id, version: 1 }),
        expect.objectContaining({ type: 'changed', entity: 'object', action: 'updated', id, version: 2 }),
      ]);
    }
    changing.socket.close();
    watching.socket.close();
  });

  it('change through one instance reaches another', async () => {
    const logger = createLogger('tenant-test', { level: process.env.ESM_TEST_LOG_LEVEL ?? 'silent' });
    const second: FastifyInstance = await buildTenantApp(tenant.secret, { logger });
    try {
      const secondUrl = await listenForLiveClients(second);
      const watching = await connectAuthenticatedLiveClient(secondUrl, tenant.secret.origin, reader.token);

      const created = await tenant.app.inject({
        method: 'POST',
        url: '/api/objects',
        headers: bearer(writer.token),
        payload: { type: 'application', name: 'Seen by the other process' },
      });
      expect(created.statusCode).toBe(201);
      const id = created.json<{ id: string }>().id;
      await waitForMarker(tenant, watching);

      expect(changesOf(watching, id)).toEqual([expect.objectContaining({ entity: 'object', action: 'created', id, version: 1 })]);
      watching.socket.close();
    } finally {
      await second.close();
    }
  });

  it('rolled-back transaction sends nothing', async () => {
    const watching = await connectAuthenticatedLiveClient(url, tenant.secret.origin, reader.token);
    const rolledBack = randomUUID();

    await sendNotice(tenant, { entity: 'object', action: 'updated', id: rolledBack, version: 7 }, 'ROLLBACK');
    await waitForMarker(tenant, watching);

    expect(changesOf(watching, rolledBack)).toEqual([]);
    watching.socket.close();
  });

  it('committed notice arrives unchanged', async () => {
    const watching = await connectAuthenticatedLiveClient(url, tenant.secret.origin, reader.token);
    const id = randomUUID();

    await sendNotice(tenant, { entity: 'classification', action: 'updated', id, ids: [id, 'other'] });
    await waitFor(() => changesOf(watching, id).length > 0);

    expect(changesOf(watching, id)).toEqual([{ type: 'changed', entity: 'classification', action: 'updated', id, ids: [id, 'other'] }]);
    watching.socket.close();
  });

  it('listener reconnects and requests a reload', async () => {
    const watching = await connectAuthenticatedLiveClient(url, tenant.secret.origin, reader.token);

    const killed = await tenant.admin.query<{ pid: number }>(
      // In the select list, so that it runs only on the rows the WHERE clause kept.
      'SELECT pid, pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
      [tenant.secret.database.app.database, LISTENER_APPLICATION_NAME],
    );
    expect(killed.rows).toHaveLength(1);
    // Readiness depends on the request pool only.
    expect((await tenant.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    await waitFor(() => watching.messages.some((message) => message.type === 'reload'));
    const listening = await tenant.admin.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
      [tenant.secret.database.app.database, LISTENER_APPLICATION_NAME],
    );
    expect(listening.rows).toHaveLength(1);
    expect(listening.rows[0].pid).not.toBe(killed.rows[0]!.pid);
    await waitForMarker(tenant, watching);
    watching.socket.close();
  });

  it('closing the app ends its listening connection', async () => {
    const logger = createLogger('tenant-test', { level: process.env.ESM_TEST_LOG_LEVEL ?? 'silent' });
    const second = await buildTenantApp(tenant.secret, { logger });
    await second.ready();
    const countListeners = async () =>
      (
        await tenant.admin.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
          [tenant.secret.database.app.database, LISTENER_APPLICATION_NAME],
        )
      ).rows[0]!.count;
    expect(await countListeners()).toBe(2);

    await second.close();

    // The backend leaves pg_stat_activity shortly after the client disconnects.
    const deadline = Date.now() + 5_000;
    while ((await countListeners()) !== 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await countListeners()).toBe(1);
  });
});

describe('parseChangeNotice', () => {
  it('accepts a notice with every field', () => {
    const notice = { entity: 'object', action: 'updated', id: 'a', version: 3, ids: ['b'], truncated: false };
    expect(parseChangeNotice(JSON.stringify(notice))).toEqual(notice);
  });

  it('drops fields it does not know', () => {
    expect(parseChangeNotice('{"entity":"model","action":"imported","id":null,"type":"reload","extra":1}')).toEqual({
      entity: 'model',
      action: 'imported',
      id: null,
    });
  });

  it.each([
    ['not JSON', 'not json'],
    ['a JSON array', '[]'],
    ['an unknown entity', '{"entity":"user","action":"updated","id":"a"}'],
    ['an unknown action', '{"entity":"object","action":"read","id":"a"}'],
    ['a numeric id', '{"entity":"object","action":"updated","id":1}'],
    ['a fractional version', '{"entity":"object","action":"updated","id":"a","version":1.5}'],
    ['ids that are not strings', '{"entity":"object","action":"updated","id":"a","ids":[1]}'],
  ])('rejects %s', (_case, payload) => {
    expect(parseChangeNotice(payload)).toBeNull();
  });
});
