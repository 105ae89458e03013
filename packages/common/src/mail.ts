import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from './logger.js';
import type { MailConfig } from './platform-config.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  /** Sends a message; resolves when the SMTP server accepted it or the outbox file is written. */
  send(message: MailMessage): Promise<void>;
}

let nextSequence = 0;

/**
 * Returns the mail settings with the SMTP password read from `passwordFile`
 * in place of the file's path, for a process that cannot read the file (a
 * tenant, which gets the settings in its secret). Throws when the file
 * cannot be read.
 */
export function withSmtpPassword(config: MailConfig): MailConfig {
  if (!config.smtp?.passwordFile) return config;
  const { passwordFile, ...smtp } = config.smtp;
  return { ...config, smtp: { ...smtp, password: readFileSync(passwordFile, 'utf8').trim() } };
}

/**
 * Creates a mailer: SMTP through nodemailer when `config.smtp` is set,
 * otherwise one `.eml` file per message in the outbox folder.
 */
export function createMailer(config: MailConfig, logger: Logger): Mailer {
  if (config.smtp) {
    const smtp = withSmtpPassword(config).smtp!;
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    });
    return {
      async send(message) {
        const info = await transport.sendMail({ from: config.from, ...message });
        logger.info({ messageId: info.messageId }, 'mail sent over SMTP');
      },
    };
  }

  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await transport.sendMail({ from: config.from, ...message });
      await mkdir(config.outboxDir, { recursive: true, mode: 0o700 });
      // The time and a per-process sequence number sort the files in sending order.
      const sequence = String(nextSequence++).padStart(6, '0');
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${sequence}-${randomBytes(4).toString('hex')}.eml`;
      const file = path.join(config.outboxDir, name);
      // The message may contain a one-time link, so only the owner may read it.
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      logger.info({ file }, 'mail written to outbox');
    },
  };
}
