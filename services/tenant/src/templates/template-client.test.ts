import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, createLogger } from '@esm/common';
import { ensureCertificates } from '../../../gateway/src/certificates.js';
import { fetchTemplateExport, lookupWithLocalhost } from './template-client.js';

/** What the stand-in template saw of each request. */
interface SeenRequest {
  url: string;
  host: string | undefined;
  serverName: string | false;
  authorization: string | undefined;
  importer: string | undefined;
}

describe('fetchTemplateExport', () => {
  let caDir: string;
  let caCertPem: string;
  let server: https.Server;
  let port: number;
  const seen: SeenRequest[] = [];
  let status = 200;
  let body = '{"format":"esm-model"}';

  beforeAll(async () => {
    // The same local CA and *.esm.localhost certificate that the platform's gateway uses.
    caDir = await mkdtemp(path.join(os.tmpdir(), 'esm-template-client-'));
    const credentials = await ensureCertificates(caDir, { baseDomain: 'esm.localhost', logger: createLogger('test', { level: 'silent' }) });
    caCertPem = credentials.caCertPem;
    server = https.createServer({ key: credentials.keyPem, cert: credentials.certPem }, (request, response) => {
      seen.push({
        url: request.url ?? '',
        host: request.headers.host,
        serverName: (request.socket as TLSSocket).servername ?? false,
        authorization: request.headers.authorization,
        importer: request.headers['esm-importer'] as string | undefined,
      });
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(caDir, { recursive: true, force: true });
  });

  const source = () => ({ template: 'acme', origin: `https://acme.esm.localhost:${port}`, credential: 'secret-credential' });

  it('reaches a .localhost origin over TLS', async () => {
    status = 200;
    body = '{"format":"esm-model"}';

    const document = await fetchTemplateExport(source(), 'importer-ab', ['metaModel', 'objects'], { ca: caCertPem });

    expect(document).toEqual({ format: 'esm-model' });
    expect(seen.at(-1)).toEqual({
      url: '/api/template/export?parts=metaModel%2Cobjects',
      host: `acme.esm.localhost:${port}`,
      serverName: 'acme.esm.localhost',
      authorization: 'Bearer secret-credential',
      importer: 'importer-ab',
    });
  });

  it('rejects a certificate from an unknown CA', async () => {
    const error = await fetchTemplateExport(source(), 'importer-ab', ['objects']).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('TEMPLATE_EXPORT_FAILED');
    expect((error as AppError).message).toMatch(/certificate/i);
  });

  it.each([
    [401, 'TEMPLATE_EXPORT_REJECTED'],
    [404, 'TEMPLATE_EXPORT_REJECTED'],
    [500, 'TEMPLATE_EXPORT_FAILED'],
  ])('maps status %i to %s', async (answered, code) => {
    status = answered;
    body = '{"error":{"code":"X"}}';

    const error = await fetchTemplateExport(source(), 'importer-ab', ['objects'], { ca: caCertPem }).catch((caught: unknown) => caught);

    expect((error as AppError).code).toBe(code);
  });

  it('rejects a body that is not JSON', async () => {
    status = 200;
    body = '<html>';

    const error = await fetchTemplateExport(source(), 'importer-ab', ['objects'], { ca: caCertPem }).catch((caught: unknown) => caught);

    expect((error as AppError).code).toBe('TEMPLATE_EXPORT_FAILED');
  });

  it('rejects a body over the limit', async () => {
    status = 200;
    body = JSON.stringify({ padding: 'x'.repeat(10_000) });

    const error = await fetchTemplateExport(source(), 'importer-ab', ['objects'], { ca: caCertPem, maxBytes: 1_000 }).catch(
      (caught: unknown) => caught,
    );

    expect((error as AppError).code).toBe('TEMPLATE_EXPORT_FAILED');
    expect((error as AppError).message).toContain('larger than 1000 bytes');
  });

  it.each([
    ['plain http to a name', 'http://acme.esm.localhost:8080'],
    ['plain http to a private address', 'http://10.0.0.5:8080'],
    ['another scheme', 'ftp://acme.esm.localhost'],
    ['no URL', 'acme'],
  ])('refuses %s before connecting', async (_case, origin) => {
    const before = seen.length;

    const error = await fetchTemplateExport({ ...source(), origin }, 'importer-ab', ['objects']).catch((caught: unknown) => caught);

    expect((error as AppError).code).toBe('TEMPLATE_EXPORT_FAILED');
    expect(seen).toHaveLength(before);
  });
});

describe('lookupWithLocalhost', () => {
  const lookup = (hostname: string, all: boolean) =>
    new Promise<unknown>((resolve, reject) =>
      lookupWithLocalhost(hostname, { all }, (error, address) => (error ? reject(error) : resolve(address))),
    );

  it('maps names under localhost to loopback', async () => {
    expect(await lookup('acme.esm.localhost', false)).toBe('127.0.0.1');
    expect(await lookup('ACME.ESM.LOCALHOST.', true)).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  it('leaves other names to the system resolver', async () => {
    expect(await lookup('127.0.0.2', false)).toBe('127.0.0.2');
  });
});
