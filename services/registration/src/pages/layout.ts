import { COMMON_ERRORS, isLocale, pickLocale, type AppError, type Locale } from '@esm/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REGISTRATION_ERRORS } from '../errors.js';
import { html, rawHtml, type SafeHtml } from './html.js';
import { textsFor, type Texts } from './texts.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The nonce that this response's Content-Security-Policy allows for inline style and script. */
    cspNonce: string;
  }
}

/** Values every page needs from its request. */
export interface PageContext {
  locale: Locale;
  texts: Texts;
  nonce: string;
  requestId: string;
  /** Link to the same page in the other language. */
  switchHref: string;
}

/** Picks the request's language: `?lang=sv|en` first, else Accept-Language. */
export function requestPageLocale(request: FastifyRequest): Locale {
  const lang = (request.query as Record<string, unknown> | undefined)?.lang;
  return isLocale(lang) ? lang : pickLocale(request.headers['accept-language']);
}

/** Builds a relative link to `path` with the given query parameters, in the given language. */
export function localHref(path: string, locale: Locale, params: Record<string, string> = {}): string {
  const query = new URLSearchParams({ ...params, lang: locale });
  return `${path}?${query.toString()}`;
}

/**
 * Builds the page context. The language link keeps the request's path and
 * query and changes only `lang`. On the deployment page the query includes
 * the token, which the user already has. `extraParams` adds values that a
 * POST carried in its body.
 */
export function pageContext(request: FastifyRequest, extraParams: Record<string, string> = {}): PageContext {
  const locale = requestPageLocale(request);
  const texts = textsFor(locale);
  const url = new URL(request.url, 'http://placeholder');
  const params = Object.fromEntries(url.searchParams);
  // A path such as `/.//host` normalises to `//host`, which a browser reads
  // as a link to another site, so leading slashes collapse to one.
  const path = url.pathname.replace(/^\/+/, '/');
  const other = texts.switchLanguageTag as Locale;
  return {
    locale,
    texts,
    nonce: request.cspNonce,
    requestId: request.id,
    switchHref: localHref(path, other, { ...params, ...extraParams }),
  };
}

const STYLE = `
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0; color: #1b1b1b; background: #fff; }
header { display: flex; justify-content: space-between; align-items: center; padding: 0.75rem 1.5rem; border-bottom: 1px solid #ccc; }
header .site { font-weight: 700; margin: 0; }
main { max-width: 40rem; margin: 0 auto; padding: 1.5rem; }
a { color: #0b4fa8; }
label { display: block; font-weight: 600; margin-top: 1.25rem; }
.hint { color: #4a4a4a; margin: 0.25rem 0; }
.field-error { color: #a30000; font-weight: 600; margin: 0.25rem 0; }
input[type=text], input[type=email], input[type=tel] { font: inherit; width: 100%; box-sizing: border-box; padding: 0.5rem; border: 2px solid #555; border-radius: 4px; }
input[aria-invalid=true] { border-color: #a30000; }
button { font: inherit; margin-top: 1.5rem; padding: 0.6rem 1.5rem; border: 0; border-radius: 4px; background: #0b4fa8; color: #fff; cursor: pointer; }
a:focus-visible, input:focus-visible, button:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.summary { border: 3px solid #a30000; padding: 0.5rem 1rem; margin-bottom: 1rem; }
.steps { list-style: none; padding: 0; }
.steps li { display: flex; justify-content: space-between; padding: 0.5rem 0; border-bottom: 1px solid #ddd; }
.status-done { color: #1a6b1a; } .status-failed { color: #a30000; } .status-running { color: #0b4fa8; }
dl.ids dt { font-weight: 600; } dl.ids dd { margin: 0 0 0.5rem 0; font-family: monospace; }
`;

/** Renders a whole page around `main`. */
export function renderPage(context: PageContext, page: { title: string; main: SafeHtml; head?: SafeHtml }): string {
  const { texts } = context;
  return html`<!doctype html>
<html lang="${context.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} – ${texts.siteName}</title>
<style nonce="${context.nonce}">${rawHtml(STYLE)}</style>
${page.head}
</head>
<body>
<header>
<p class="site">${texts.siteName}</p>
<a href="${context.switchHref}" lang="${texts.switchLanguageTag}" hreflang="${texts.switchLanguageTag}">${texts.switchLanguage}</a>
</header>
<main id="main">
${page.main}
</main>
</body>
</html>
`.value;
}

/** Renders the error code and the reference id (the request id), which support needs to find the request in the log. */
export function renderErrorIds(context: PageContext, code: string): SafeHtml {
  const { texts } = context;
  return html`<dl class="ids">
<dt>${texts.errorCode}</dt><dd>${code}</dd>
<dt>${texts.requestId}</dt><dd>${context.requestId}</dd>
</dl>`;
}

/**
 * Returns the user message of an error as these pages show it. The shared
 * INTERNAL_ERROR message mentions the "request id", but these pages label
 * that value "Reference id", so the page's own wording replaces it.
 */
export function pageErrorMessage(context: PageContext, error: AppError): string {
  return error.code === COMMON_ERRORS.internal.code ? context.texts.internalErrorMessage : error.userMessage(context.locale);
}

function errorPageTitle(texts: Texts, error: AppError): string {
  if (error.code === REGISTRATION_ERRORS.deploymentTokenInvalid.code) return texts.tokenInvalidTitle;
  return error.status === 404 ? texts.notFoundTitle : texts.errorTitle;
}

/** Renders the page for an error: its message, code and the reference id, never any detail. */
export function renderErrorPage(context: PageContext, error: AppError): string {
  const { texts } = context;
  const title = errorPageTitle(texts, error);
  const main = html`<h1>${title}</h1>
<p role="alert">${pageErrorMessage(context, error)}</p>
${renderErrorIds(context, error.code)}
<p><a href="${localHref('/', context.locale)}">${texts.backToForm}</a></p>`;
  return renderPage(context, { title, main });
}

/** Sends a rendered page as HTML with the given status. */
export function sendPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(page);
}
