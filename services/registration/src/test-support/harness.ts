import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger, serviceCredentialFile, type PlatformConfig } from '@esm/common';
import { startRegistration, type RegistrationServer } from '../server.js';
import type { RateLimitOptions } from '../security.js';
import { startFakeAdmin, type FakeAdmin } from './fake-admin.js';

/** The origin that the registration pages have in the test configuration. */
export const TEST_ORIGIN = 'https://register.esm.test:8443';

/** A running registration service with a fake admin and a temporary outbox. */
export interface Harness {
  admin: FakeAdmin;
  server: RegistrationServer;
  config: PlatformConfig;
  baseUrl: string;
  /** The `.eml` files in the outbox, by file name. */
  outboxFiles(): Promise<string[]>;
  readOutboxFile(name: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** Starts the fake admin and the registration service, which reads its credential from a file. */
export async function startHarness(options: { rateLimit?: RateLimitOptions } = {}): Promise<Harness> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'esm-registration-'));
  const admin = await startFakeAdmin();
  const config: PlatformConfig = {
    dataDir: root,
    secretsDir: path.join(root, 'secrets'),
    baseDomain: 'esm.test',
    mainSiteUrl: 'https://esm.test',
    bindHost: '127.0.0.1',
    ports: { https: 0, http: 0, admin: admin.port, registration: 0, defaultBackend: 0, tenantRange: [0, 0], embeddedPostgres: 0 },
    publicHttpsPort: 8443,
    postgres: { embedded: false, servers: [] },
    mail: { from: 'ESM <no-reply@esm.test>', outboxDir: path.join(root, 'outbox') },
    sms: { provider: 'outbox', outboxDir: path.join(root, 'outbox') },
    wakeTimeoutMs: 1_000,
    deploymentTokenTtlMs: 3_600_000,
  };
  const credentialFile = serviceCredentialFile(config, 'registration');
  await mkdir(path.dirname(credentialFile), { recursive: true, mode: 0o700 });
  await writeFile(credentialFile, `${admin.credential}\n`, { mode: 0o600 });

  const server = await startRegistration(config, {
    // Quiet unless ESM_LOG_LEVEL is set, which shows the service's log while debugging a test.
    logger: createLogger('registration-test', process.env.ESM_LOG_LEVEL ? {} : { level: 'silent' }),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  return {
    admin,
    server,
    config,
    baseUrl: `http://127.0.0.1:${server.port}`,
    async outboxFiles() {
      const names = await readdir(config.mail.outboxDir).catch(() => [] as string[]);
      return names.filter((name) => name.endsWith('.eml'));
    },
    readOutboxFile: (name) => readFile(path.join(config.mail.outboxDir, name)),
    async close() {
      await server.close();
      await admin.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * A minimal browser: it keeps cookies, sends the registration site's Origin
 * on POSTs (as a browser on the real page would) and does not follow redirects.
 */
export class TestBrowser {
  private static count = 0;
  private readonly cookies = new Map<string, string>();
  private readonly headers: Record<string, string>;

  /**
   * Each browser comes through the gateway from its own client address
   * (TEST-NET-2), so the rate limit of one test does not reach the others.
   */
  constructor(
    private readonly baseUrl: string,
    headers: Record<string, string> = {},
  ) {
    TestBrowser.count += 1;
    this.headers = { 'x-forwarded-for': `198.51.100.${TestBrowser.count % 250}`, ...headers };
  }

  async get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; response: Response }> {
    return this.send('GET', pathAndQuery, undefined, headers);
  }

  async post(
    pathAndQuery: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string; response: Response }> {
    return this.send('POST', pathAndQuery, new URLSearchParams(fields).toString(), {
      origin: TEST_ORIGIN,
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    });
  }

  private async send(method: string, pathAndQuery: string, body: string | undefined, headers: Record<string, string>) {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
      method,
      body,
      redirect: 'manual',
      headers: { ...this.headers, ...(cookie ? { cookie } : {}), ...headers },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const separator = pair.indexOf('=');
      this.cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
    return { status: response.status, body: await response.text(), response };
  }
}

/** Extracts the CSRF token of the first form on a page. */
export function formToken(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!match?.[1]) throw new Error('the page has no CSRF token field');
  return match[1];
}

/** Extracts the text of the element with the given id, removing tags and decoding the entities of quotes and ampersands. */
export function elementText(page: string, id: string): string | undefined {
  const match = new RegExp(`<(\\w+)[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(page);
  return match?.[2]?.replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').trim();
}
