import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError, createLogger } from '@esm/common';
import { startFakeSmsProvider, type FakeSmsProvider } from '../../test-support/sms-provider.js';
import { createSmsSender } from './sms-sender.js';

const logger = createLogger('sms-test', { level: 'silent' });

async function expectSendFailed(promise: Promise<void>): Promise<void> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('SMS_SEND_FAILED');
  expect((error as AppError).status).toBe(503);
}

describe('outbox SMS sender', () => {
  let outbox: string;

  beforeAll(async () => {
    outbox = await mkdtemp(path.join(os.tmpdir(), 'esm-sms-outbox-'));
  });

  afterAll(async () => rm(outbox, { recursive: true, force: true }));

  it('writes one file per message, readable only by the owner', async () => {
    const sender = createSmsSender({ provider: 'outbox', outboxDir: path.join(outbox, 'new') }, logger);
    await sender.send('+46701234567', 'first 123456');
    await sender.send('+46701234567', 'second 654321');

    const files = (await readdir(path.join(outbox, 'new'))).sort();
    expect(files).toHaveLength(2);
    for (const file of files) expect(file).toMatch(/^\d{4}-\d{2}-\d{2}T[\d-]+Z-\d{6}-sms\.txt$/);
    const first = path.join(outbox, 'new', files[0]!);
    expect(await readFile(first, 'utf8')).toBe('To: +46701234567\n\nfirst 123456\n');
    expect((await stat(first)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(outbox, 'new'))).mode & 0o777).toBe(0o700);
  });
});

describe('HTTP SMS sender', () => {
  let provider: FakeSmsProvider;

  beforeAll(async () => {
    provider = await startFakeSmsProvider();
  });

  afterEach(() => {
    provider.received.length = 0;
    provider.status = 200;
    provider.delayMs = 0;
  });

  afterAll(async () => provider.close());

  it('posts the number and text as JSON with the bearer token', async () => {
    const sender = createSmsSender({ provider: 'http', url: provider.url, token: 'provider-token' }, logger);
    await sender.send('+46701234567', 'Your code is 123456.');

    expect(provider.received).toHaveLength(1);
    const [request] = provider.received;
    expect(request!.headers.authorization).toBe('Bearer provider-token');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.body).toEqual({ to: '+46701234567', text: 'Your code is 123456.' });
  });

  it.each([400, 401, 500, 503])('fails with SMS_SEND_FAILED on status %i', async (status) => {
    provider.status = status;
    const sender = createSmsSender({ provider: 'http', url: provider.url, token: 'provider-token' }, logger);
    await expectSendFailed(sender.send('+46701234567', 'text'));
  });

  it('fails with SMS_SEND_FAILED on a redirect', async () => {
    provider.status = 302;
    const sender = createSmsSender({ provider: 'http', url: provider.url, token: 'provider-token' }, logger);
    await expectSendFailed(sender.send('+46701234567', 'text'));
  });

  it('fails with SMS_SEND_FAILED when the provider does not answer in time', async () => {
    provider.delayMs = 1_000;
    const sender = createSmsSender({ provider: 'http', url: provider.url, token: 'provider-token' }, logger, { timeoutMs: 100 });
    await expectSendFailed(sender.send('+46701234567', 'text'));
  });

  it('fails with SMS_SEND_FAILED when nothing listens', async () => {
    const closed = await startFakeSmsProvider();
    await closed.close();
    const sender = createSmsSender({ provider: 'http', url: closed.url, token: 'provider-token' }, logger);
    await expectSendFailed(sender.send('+46701234567', 'text'));
  });
});
