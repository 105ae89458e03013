import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { AppError, TEMPLATE_IMPORTER_HEADER } from '@esm/common';
import type { ModelPart } from '../exchange/model-document.js';
import { TEMPLATE_ERRORS } from './errors.js';

/** A template's origin and credential, as the importing tenant stores them in `template_sources`. */
export interface TemplateSource {
  template: string;
  origin: string;
  credential: string;
}

export interface TemplateFetchOptions {
  /** Time for the whole request, body included. */
  timeoutMs?: number;
  /** Largest body accepted, in bytes. */
  maxBytes?: number;
  /** Extra CA certificates (PEM) to trust besides Node's. Tests pass their own CA here. */
  ca?: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;

/**
 * Fetches the template's export of `parts` from its origin, presenting the
 * credential and this tenant's name, and returns the parsed JSON document.
 * Throws TEMPLATE_EXPORT_REJECTED when the template responds with 401 or 404, and
 * TEMPLATE_EXPORT_FAILED for every other failure, with the cause in the log
 * detail only.
 *
 * The origin is `https://<template>.<domain>`, reached through the
 * platform's gateway. Names under `localhost` resolve to 127.0.0.1, as
 * browsers resolve them (RFC 6761), because the system resolver here does
 * not. A local platform's gateway certificate comes from its own CA, which
 * the local orchestrator passes in NODE_EXTRA_CA_CERTS. Plain `http:` is
 * accepted only for a loopback address, so the credential never crosses a
 * network unencrypted.
 */
export async function fetchTemplateExport(
  source: TemplateSource,
  importer: string,
  parts: ModelPart[],
  options: TemplateFetchOptions = {},
): Promise<unknown> {
  const url = exportUrl(source, parts);
  const failed = (detail: string, cause?: unknown) =>
    new AppError(TEMPLATE_ERRORS.exportFailed, { values: { template: source.template }, detail, cause });

  let response: { status: number; body: Buffer };
  try {
    response = await requestExport(url, source.credential, importer, options);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw failed(`request to ${url.origin} failed: ${(error as Error).message}`, error);
  }
  if (response.status === 401 || response.status === 404) {
    throw new AppError(TEMPLATE_ERRORS.exportRejected, {
      values: { template: source.template },
      detail: `template responded with status ${response.status}`,
    });
  }
  if (response.status !== 200) throw failed(`template responded with status ${response.status}`);
  try {
    return JSON.parse(response.body.toString('utf8')) as unknown;
  } catch (error) {
    throw failed('template responded with a body that is not JSON', error);
  }
}

function exportUrl(source: TemplateSource, parts: ModelPart[]): URL {
  let url: URL;
  try {
    url = new URL('/api/template/export', source.origin);
  } catch (error) {
    throw new AppError(TEMPLATE_ERRORS.exportFailed, { values: { template: source.template }, detail: 'origin is not a URL', cause: error });
  }
  // URL keeps an IPv6 address in brackets.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const loopbackHttp = url.protocol === 'http:' && net.isIP(host) !== 0 && isLoopbackAddress(host);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new AppError(TEMPLATE_ERRORS.exportFailed, {
      values: { template: source.template },
      detail: `origin ${url.origin} is neither https nor http on a loopback address`,
    });
  }
  url.searchParams.set('parts', parts.join(','));
  return url;
}

function requestExport(url: URL, credential: string, importer: string, options: TemplateFetchOptions): Promise<{ status: number; body: Buffer }> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const transport = url.protocol === 'https:' ? https : http;
  const requestOptions: https.RequestOptions = {
    method: 'GET',
    headers: { authorization: `Bearer ${credential}`, [TEMPLATE_IMPORTER_HEADER]: importer, accept: 'application/json' },
    lookup: lookupWithLocalhost,
    signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  };
  if (options.ca) requestOptions.ca = options.ca;

  return new Promise((resolve, reject) => {
    const request = transport.request(url, requestOptions, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          // Without an error argument, so that no stream emits an error that nothing listens to any more.
          response.destroy();
          reject(new Error(`body larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * Resolves `localhost` and names under it to 127.0.0.1 and passes every
 * other name to the system resolver. Matches the `lookup` signature of
 * node:net, which requests a list when `options.all` is set.
 */
export function lookupWithLocalhost(
  hostname: string,
  options: dns.LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
): void {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) {
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  dns.lookup(hostname, options, callback);
}

function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^127\./.test(address);
}
