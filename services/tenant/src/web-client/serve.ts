import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError, COMMON_ERRORS } from '@esm/common';

/** The web client's build output, relative to the package root (the same from src and from dist). */
export const WEB_CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/**
 * The Content-Security-Policy of every response. Scripts, styles and fonts
 * come only from this origin; images may also be data URLs (the TOTP QR
 * code); the live updates need wss:.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; connect-src 'self' wss:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";

/**
 * Serves the built web client: a file when it exists, otherwise index.html,
 * so the client's own routes (such as /invite/<token>) load the app. Paths
 * under /api never fall back. When the client has not been built, such paths
 * get the JSON 404 and the API works as usual.
 */
export async function registerWebClient(app: FastifyInstance, root = WEB_CLIENT_DIR): Promise<void> {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    return payload;
  });

  const available = existsSync(path.join(root, 'index.html'));
  if (!available) app.log.warn('web client not built; serving the API only');
  // serve: false keeps the plugin from adding its own routes; only reply.sendFile is used.
  await app.register(fastifyStatic, { root, serve: false });

  app.get('/*', async (request, reply) => {
    const pathname = decodePath(request.url);
    if (pathname === null || !available || pathname === '/api' || pathname.startsWith('/api/')) throw new AppError(COMMON_ERRORS.notFound);

    const file = path.resolve(root, `.${pathname}`);
    if (file.startsWith(root + path.sep) && isFile(file)) return reply.sendFile(path.relative(root, file));
    // A missing asset (a name with an extension) is a 404, not the app.
    if (path.extname(pathname) !== '') throw new AppError(COMMON_ERRORS.notFound);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}

function decodePath(url: string): string | null {
  try {
    return decodeURIComponent(url.split('?')[0] ?? '/');
  } catch {
    return null;
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
