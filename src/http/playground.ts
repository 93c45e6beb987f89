import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import express, { type Express, type Request, type RequestHandler, type Response } from 'express';

/** Where the playground's bundles are served; the page's template refers to them from here. */
export const PLAYGROUND_ASSETS_PATH = '/graphql/playground';

/**
 * The page's policy: everything from this origin. Monaco writes <style> elements and GraphiQL's
 * stylesheet embeds its fonts as data: URLs, hence the two exceptions; no script runs inline.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Bundle names carry a content hash, so a file never changes under its name. */
const ASSET_MAX_AGE = '365d';

/** The built playground under the project root, wherever the process was started from. */
export function defaultPlaygroundFolder(): string {
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) {
    dir = path.dirname(dir);
  }
  return path.join(dir, 'dist', 'playground');
}

/**
 * Serves GraphiQL for browser GETs of `/graphql` (HTML preferred, no `query` parameter) and
 * its bundles from `folder` (written by scripts/build-playground.mjs). Every other request
 * goes on to the next handler, so Apollo still answers GraphQL over GET.
 */
export function registerPlayground(app: Express, folder: string): void {
  const page = readPage(folder);

  app.use(
    PLAYGROUND_ASSETS_PATH,
    express.static(path.join(folder, 'assets'), {
      index: false,
      redirect: false,
      immutable: true,
      maxAge: ASSET_MAX_AGE,
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
    assetNotFound,
  );
  app.get('/graphql', (req, res, next) => {
    if (!wantsPlayground(req)) return next();
    sendPage(res, page);
  });
}

/** The page with its asset path filled in, or null when the playground was not built. */
function readPage(folder: string): string | null {
  const file = path.join(folder, 'index.html');
  if (!existsSync(file)) return null;

  return readFileSync(file, 'utf8').replaceAll('{{base}}', PLAYGROUND_ASSETS_PATH);
}

/** A browser navigating to the endpoint, as opposed to a GraphQL client using GET. */
function wantsPlayground(req: Request): boolean {
  if (req.query.query !== undefined) return false;

  const preferred = req.accepts([
    'application/json',
    'application/graphql-response+json',
    'text/html',
  ]);
  return preferred === 'text/html';
}

function sendPage(res: Response, page: string | null): void {
  // The same URL answers JSON to GraphQL clients, so caches must key on Accept.
  res.vary('Accept');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');

  if (page === null) {
    res.status(503).type('text/plain').send('The playground is not built: run `npm run build`.\n');
    return;
  }

  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.status(200).type('html').send(page);
}

/** Unknown files under the asset path end here instead of reaching Apollo. */
const assetNotFound: RequestHandler = (_req, res) => {
  res.status(404).type('text/plain').send('Not found\n');
};
