import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { createMailer } from './mail.js';

const logger = createLogger('mail-test', { level: 'silent' });
const message = { to: 'owner@demo.example', subject: 'Välkommen', text: 'Öppna länken: https://demo.esm.localhost/invite/abc' };

describe('createMailer', () => {
  let outboxDir: string;

  beforeAll(async () => {
    outboxDir = await mkdtemp(path.join(os.tmpdir(), 'esm-outbox-'));
  });

  afterAll(async () => {
    await rm(outboxDir, { recursive: true, force: true });
  });

  it('writes one private .eml file per message to the outbox', async () => {
    await createMailer({ from: 'ESM <no-reply@esm.localhost>', outboxDir }, logger).send(message);

    const files = await readdir(outboxDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    const { stat } = await import('node:fs/promises');
    expect((await stat(path.join(outboxDir, files[0]!))).mode & 0o777).toBe(0o600);
    const content = await readFile(path.join(outboxDir, files[0]!), 'utf8');
    expect(content).toContain('To: owner@demo.example');
    expect(content).toContain('From: ESM <no-reply@esm.localhost>');
  });

  it('sends over SMTP when a server is configured', async () => {
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, done) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks).toString('utf8'));
          done();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as { port: number };
    try {
      const smtpOutbox = path.join(outboxDir, 'unused');
      const mailer = createMailer({ from: 'ESM <no-reply@esm.localhost>', outboxDir: smtpOutbox, smtp: { host: '127.0.0.1', port, secure: false } }, logger);

      await mailer.send(message);

      expect(received).toHaveLength(1);
      expect(received[0]).toContain('To: owner@demo.example');
      await expect(readdir(smtpOutbox)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
