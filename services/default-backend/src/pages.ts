import { createHash } from 'node:crypto';
import { AppError, toErrorBody, type Locale, type LocalizedText } from '@esm/common';

/** A complete HTTP response (status, headers, body), ready for Fastify's reply or a raw Node response. */
export interface RenderedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

// Page headings by error code. The paragraph below the heading is the error's own message.
const TITLES: Record<string, LocalizedText> = {
  TENANT_ARCHIVED: { en: 'Workspace archived', sv: 'Arbetsytan är arkiverad' },
  TENANT_NOT_DEPLOYED: { en: 'Workspace not deployed yet', sv: 'Arbetsytan är inte driftsatt än' },
  TENANT_DEPLOYING: { en: 'Workspace being deployed', sv: 'Arbetsytan driftsätts' },
  TENANT_WAKE_TIMEOUT: { en: 'Workspace starting', sv: 'Arbetsytan startar' },
  TENANT_STARTING: { en: 'Workspace starting', sv: 'Arbetsytan startar' },
  TENANT_WAKE_RATE_LIMITED: { en: 'Too many starts', sv: 'För många starter' },
  TENANT_WAKE_CLIENT_RATE_LIMITED: { en: 'Too many starts', sv: 'För många starter' },
  TENANT_WAKE_QUEUE_FULL: { en: 'Temporarily unavailable', sv: 'Tillfälligt otillgänglig' },
  TENANT_WAKE_FAILED: { en: 'Workspace could not be started', sv: 'Arbetsytan kunde inte startas' },
  TENANT_UPSTREAM_UNREACHABLE: { en: 'Workspace not responding', sv: 'Arbetsytan svarar inte' },
  SERVICE_UNAVAILABLE: { en: 'Temporarily unavailable', sv: 'Tillfälligt otillgänglig' },
};
const FALLBACK_TITLE: LocalizedText = { en: 'Not available', sv: 'Inte tillgänglig' };
const REQUEST_ID_LABEL: LocalizedText = { en: 'Request id', sv: 'Förfrågans id' };
const RELOAD_LINK_TEXT: LocalizedText = { en: 'Reload now', sv: 'Ladda om nu' };
/** Seconds between the reloads of the "starting" page (its meta refresh). */
export const STARTING_PAGE_REFRESH_SECONDS = 2;

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2933;line-height:1.5}' +
  'h1{font-size:1.5rem}.reference{color:#52606d;font-size:.875rem}';
// The page allows only its own inline style, identified by hash, and nothing else.
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');
const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** Seconds a client should wait before retrying, sent as Retry-After with the 503 responses. */
const RETRY_AFTER_SECONDS: Record<string, number> = {
  TENANT_WAKE_TIMEOUT: 5,
  TENANT_STARTING: STARTING_PAGE_REFRESH_SECONDS,
  TENANT_WAKE_QUEUE_FULL: 5,
  TENANT_DEPLOYING: 15,
  TENANT_WAKE_FAILED: 30,
  SERVICE_UNAVAILABLE: 10,
};

export interface RenderOptions {
  locale: Locale;
  /** Whether to render HTML (browsers) rather than JSON (API clients), as decided by prefersHtml. */
  html: boolean;
  requestId: string;
  /** Retry-After in seconds, in place of the code's fixed value (the rate limits know when a slot frees up). */
  retryAfterSeconds?: number;
  /**
   * The path and query of the request. When set, the page reloads itself:
   * a meta refresh every STARTING_PAGE_REFRESH_SECONDS and a link to this path, so no script is needed.
   */
  reloadPath?: string;
}

/** Renders an error as a small self-contained HTML page or as the platform's JSON error body. */
export function renderError(error: AppError, options: RenderOptions): RenderedAnswer {
  const headers: Record<string, string> = {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  const retryAfter = options.retryAfterSeconds ?? RETRY_AFTER_SECONDS[error.code];
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);

  if (!options.html) {
    headers['content-type'] = 'application/json; charset=utf-8';
    return { status: error.status, headers, body: JSON.stringify(toErrorBody(error, options.locale, options.requestId)) };
  }
  headers['content-type'] = 'text/html; charset=utf-8';
  headers['content-security-policy'] = CONTENT_SECURITY_POLICY;
  headers['x-frame-options'] = 'DENY';
  return { status: error.status, headers, body: renderPage(error, options) };
}

function renderPage(error: AppError, options: RenderOptions): string {
  const title = (TITLES[error.code] ?? FALLBACK_TITLE)[options.locale];
  const reloadPath = options.reloadPath === undefined ? undefined : sameOriginPath(options.reloadPath);
  const refresh = reloadPath === undefined ? [] : [`<meta http-equiv="refresh" content="${STARTING_PAGE_REFRESH_SECONDS}">`];
  const reloadLink = reloadPath === undefined ? [] : [`<p><a href="${escapeHtml(reloadPath)}">${escapeHtml(RELOAD_LINK_TEXT[options.locale])}</a></p>`];
  return [
    '<!doctype html>',
    `<html lang="${options.locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ...refresh,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(error.userMessage(options.locale))}</p>`,
    ...reloadLink,
    `<p class="reference">${escapeHtml(REQUEST_ID_LABEL[options.locale])}: ${escapeHtml(options.requestId)}</p>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Returns the path if it stays on this origin, else `/`. A request target
 * such as `//evil.example/` would otherwise make the reload link leave the site.
 */
function sameOriginPath(path: string): string {
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') ? path : '/';
}

/** Escapes the five characters that are special in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * Decides between HTML and JSON. Paths under /api/ always get JSON. Otherwise
 * a client gets HTML when its Accept header lists text/html with a quality at
 * least that of application/json, as browsers do for page loads.
 */
export function prefersHtml(path: string, accept: string | undefined): boolean {
  if (path === '/api' || path.startsWith('/api/')) return false;
  if (!accept) return false;
  const html = mediaTypeQuality(accept, 'text/html');
  const json = mediaTypeQuality(accept, 'application/json');
  return html > 0 && html >= json;
}

function mediaTypeQuality(accept: string, mediaType: string): number {
  for (const part of accept.split(',')) {
    const [type = '', ...parameters] = part.trim().toLowerCase().split(';');
    if (type.trim() !== mediaType) continue;
    const quality = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.startsWith('q='));
    const value = quality ? Number(quality.slice(2)) : 1;
    return Number.isFinite(value) ? value : 0;
  }
  return 0;
}
