import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';

/** One e-mail from the outbox, decoded. */
export interface OutboxMessage {
  file: string;
  date: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * Reads the newest `count` messages of the outbox folder, newest last. The
 * files are MIME messages whose text is quoted-printable, so links in them
 * are split and escaped when read raw; mailparser decodes them.
 */
export async function readNewestMessages(outboxDir: string, count: number): Promise<OutboxMessage[]> {
  const files = (await readdir(outboxDir).catch(() => [] as string[])).filter((file) => file.endsWith('.eml')).sort();
  const messages: OutboxMessage[] = [];
  for (const file of files.slice(-count)) {
    const parsed = await simpleParser(await readFile(path.join(outboxDir, file)));
    const to = Array.isArray(parsed.to) ? parsed.to.map((address) => address.text).join(', ') : (parsed.to?.text ?? '');
    messages.push({ file, date: parsed.date?.toISOString() ?? '', to, subject: parsed.subject ?? '', text: parsed.text ?? '' });
  }
  return messages;
}

/** Formats messages for the terminal: headers, then the decoded text. */
export function formatMessages(messages: OutboxMessage[], outboxDir: string): string {
  if (messages.length === 0) return `The outbox ${outboxDir} holds no messages.`;
  return messages
    .map((message) => [`File:    ${message.file}`, `Date:    ${message.date}`, `To:      ${message.to}`, `Subject: ${message.subject}`, '', message.text.trim()].join('\n'))
    .join('\n\n' + '-'.repeat(60) + '\n\n');
}
