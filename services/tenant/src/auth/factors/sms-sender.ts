import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError, type Logger, type SmsConfig } from '@esm/common';
import { FACTOR_ERRORS } from './errors.js';

/** Sends text messages. Resolves when the message is handed over; throws SMS_SEND_FAILED otherwise. */
export interface SmsSender {
  send(to: string, text: string): Promise<void>;
}

/** How long the HTTP provider may take to respond before the send counts as failed. */
export const SMS_HTTP_TIMEOUT_MS = 10_000;

/**
 * Creates the sender that `secret.sms` selects: `outbox` writes one file per
 * message, `http` posts to an SMS provider. Neither logs the text, which
 * contains a one-time code, nor the phone number.
 */
export function createSmsSender(config: SmsConfig, logger: Logger, options: { timeoutMs?: number } = {}): SmsSender {
  if (config.provider === 'http') return createHttpSmsSender(config, logger, options.timeoutMs ?? SMS_HTTP_TIMEOUT_MS);
  return createOutboxSmsSender(config.outboxDir, logger);
}

let nextSequence = 0;

/**
 * Writes each message to `<time>-<sequence>-sms.txt` in the outbox folder,
 * with a `To:` line, a blank line and the text. The time and the per-process
 * sequence number sort the files in sending order. Tenant processes share the
 * folder, so a name that exists already is never overwritten (flag `wx`) and
 * the next sequence number is tried instead.
 */
function createOutboxSmsSender(outboxDir: string, logger: Logger): SmsSender {
  return {
    async send(to, text) {
      try {
        await mkdir(outboxDir, { recursive: true, mode: 0o700 });
        const file = await writeNewOutboxFile(outboxDir, `To: ${to}\n\n${text}\n`);
        logger.info({ file }, 'sms written to outbox');
      } catch (error) {
        throw new AppError(FACTOR_ERRORS.smsSendFailed, { detail: 'writing the sms to the outbox failed', cause: error });
      }
    },
  };
}

async function writeNewOutboxFile(outboxDir: string, content: string): Promise<string> {
  const time = new Date().toISOString().replace(/[:.]/g, '-');
  for (let tries = 0; ; tries += 1) {
    const file = path.join(outboxDir, `${time}-${String(nextSequence++).padStart(6, '0')}-sms.txt`);
    try {
      // The text contains a one-time code, so only the owner may read the file.
      await writeFile(file, content, { mode: 0o600, flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 100) throw error;
    }
  }
}

/**
 * Posts `{ to, text }` as JSON with the provider's bearer token. Any status
 * outside 2xx, a redirect, a network error or no response within `timeoutMs`
 * throws SMS_SEND_FAILED.
 */
function createHttpSmsSender(config: { url: string; token: string }, logger: Logger, timeoutMs: number): SmsSender {
  return {
    async send(to, text) {
      let response: Response;
      try {
        response = await fetch(config.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${config.token}` },
          body: JSON.stringify({ to, text }),
          // A redirect could carry the bearer token and the code to another host.
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
        });
        // The body is not needed; reading it to the end frees the connection.
        await response.arrayBuffer();
      } catch (error) {
        logger.warn({ err: error, provider: 'http' }, 'sms provider request failed');
        throw new AppError(FACTOR_ERRORS.smsSendFailed, { detail: `sms provider request failed: ${(error as Error).name}`, cause: error });
      }
      if (!response.ok) {
        logger.warn({ status: response.status, provider: 'http' }, 'sms provider rejected the message');
        throw new AppError(FACTOR_ERRORS.smsSendFailed, { detail: `sms provider returned status ${response.status}` });
      }
      logger.info({ status: response.status, provider: 'http' }, 'sms sent');
    },
  };
}
