import type { Express } from 'express';

import type { SigningKeySet } from '../auth/signing-keys.js';

/**
 * How long verifiers may keep the key set, in seconds. Short, so that a key added for rotation
 * is fetched well before it starts signing; see the README's rotation steps.
 */
export const JWKS_MAX_AGE_S = 300;

/**
 * `GET /.well-known/jwks.json`: the public halves of the EdDSA and ES256 keys (RFC 7517), so
 * other services can verify access tokens without holding a secret. HS256 keys are never
 * published; with only those the set is empty.
 */
export function registerJwksRoute(app: Express, keys: SigningKeySet): void {
  const body = JSON.stringify(keys.jwks());

  app.get('/.well-known/jwks.json', (_req, res) => {
    res.set('cache-control', `public, max-age=${JWKS_MAX_AGE_S}`);
    res.type('application/json').send(body);
  });
}
