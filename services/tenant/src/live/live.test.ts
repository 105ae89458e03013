import { SignJWT, importPKCS8 } from 'jose';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectLiveClient as connect, listenForLiveClients, waitFor } from '../test-support/live-client.js';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';

/** Signs a token for an existing user and session that expires in `seconds`. */
async function signShortLivedToken(tenant: TestTenant, user: { id: string; email: string; sessionId: string }, seconds: number): Promise<string> {
  const key = await importPKCS8(tenant.secret.signingKeys[0]!.privateKeyPem, 'ES512');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: user.email, lvl: 'read', tid: tenant.name, sid: user.sessionId })
    .setProtectedHeader({ alg: 'ES512', kid: tenant.secret.signingKeys[0]!.kid })
    .setSubject(user.id)
    .setIssuer(tenant.secret.origin)
    .setAudience(tenant.secret.origin)
    .setIssuedAt(now)
    .setExpirationTime(now + seconds)
    .sign(key);
}

describe('GET /api/live', () => {
  let tenant: TestTenant;
  let url: string;
  let token: string;

  beforeAll(async () => {
    tenant = await createTestTenant('live');
    token = (await createUserWithToken(tenant, 'write')).token;
    url = await listenForLiveClients(tenant.app);
  });

  afterAll(async () => tenant.close());

  it('sends changes after authentication by first message', async () => {
    const client = connect(url, tenant.secret.origin);
    await client.opened;
    client.socket.send(JSON.stringify({ type: 'auth', token }));
    await waitFor(() => client.messages.some((message) => message.type === 'authenticated'));

    const created = await tenant.app.inject({
      method: 'POST',
      url: '/api/objects',
      headers: bearer(token),
      payload: { type: 'process', name: 'Watched' },
    });
    await waitFor(() => client.messages.some((message) => message.type === 'changed'));
    expect(client.messages).toContainEqual(expect.objectContaining({ type: 'changed', entity: 'object', id: created.json().id }));
    client.socket.close();
  });

  it('closes a connection from a foreign origin with 1008', async () => {
    const client = connect(url, 'https://evil.example');
    expect(await client.closed).toBe(1008);
  });

  it('closes a connection whose first message has an invalid token with 1008', async () => {
    const client = connect(url, tenant.secret.origin);
    await client.opened;
    client.socket.send(JSON.stringify({ type: 'auth', token: 'not-a-token' }));
    expect(await client.closed).toBe(1008);
    expect(client.messages).toEqual([]);
  });

  it('refuses a token in the query string', async () => {
    const client = connect(`${url}?token=${token}`, tenant.secret.origin);

    expect(await client.closed).toBe(1008);
    expect(client.messages).toEqual([]);
  });

  it('closes when the token expires unless renewed', async () => {
    const user = await createUserWithToken(tenant, 'read');
    const shortLived = await signShortLivedToken(tenant, user, 2);
    const client = connect(url, tenant.secret.origin);
    await client.opened;
    client.socket.send(JSON.stringify({ type: 'auth', token: shortLived }));

    const started = Date.now();
    expect(await client.closed).toBe(4401);
    expect(Date.now() - started).toBeGreaterThan(1_000);
  });

  it('stays open past expiry after renewal', async () => {
    const user = await createUserWithToken(tenant, 'read');
    const client = connect(url, tenant.secret.origin);
    await client.opened;
    client.socket.send(JSON.stringify({ type: 'auth', token: await signShortLivedToken(tenant, user, 2) }));
    await waitFor(() => client.messages.some((message) => message.type === 'authenticated'));
    client.socket.send(JSON.stringify({ type: 'auth', token: user.token }));
    await waitFor(() => client.messages.filter((message) => message.type === 'authenticated').length === 2);

    await new Promise((resolve) => setTimeout(resolve, 3_000));

    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.socket.close();
  });

  it('closes with 4401 at the next session check once the user is deactivated', async () => {
    const administrator = await createUserWithToken(tenant, 'admin');
    const user = await createUserWithToken(tenant, 'read');
    // Only setInterval is faked, so sockets and the database keep real time.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const client = connect(url, tenant.secret.origin);
      await client.opened;
      client.socket.send(JSON.stringify({ type: 'auth', token: user.token }));
      await waitFor(() => client.messages.some((message) => message.type === 'authenticated'));
      const deactivated = await tenant.app.inject({
        method: 'PATCH',
        url: `/api/users/${user.id}`,
        headers: bearer(administrator.token),
        payload: { status: 'deactivated' },
      });
      expect(deactivated.statusCode).toBe(200);
      expect(client.socket.readyState).toBe(WebSocket.OPEN);

      vi.advanceTimersByTime(30_000);

      expect(await client.closed).toBe(4401);
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends nothing before authentication', async () => {
    const client = connect(url, tenant.secret.origin);
    await client.opened;
    await tenant.app.inject({ method: 'POST', url: '/api/objects', headers: bearer(token), payload: { type: 'process', name: 'Unseen' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.messages).toEqual([]);
    client.socket.close();
  });
});
