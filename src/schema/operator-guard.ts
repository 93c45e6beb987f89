import type { MiddlewareFn } from 'type-graphql';

import { ErrorCode, clientError, forbidden } from '../errors.js';
import type { RequestContext } from './context.js';

/**
 * Guards operator fields: they need the `X-Operator-Key` header. Without it the caller is
 * UNAUTHENTICATED; with only a tenant token, FORBIDDEN (a tenant is no operator).
 */
export const OperatorOnly: MiddlewareFn<RequestContext> = async ({ context }, next) => {
  if (context.operator) return next();
  if (context.session)
    throw forbidden('Operator fields need the operator key, not a tenant token.');
  throw clientError(
    ErrorCode.UNAUTHENTICATED,
    'Operator fields need a valid X-Operator-Key header (and the operator API enabled with OPERATOR_API_KEY).',
  );
};
