import type { AuthChecker } from 'type-graphql';

import { ErrorCode, clientError, forbidden } from '../errors.js';
import type { RequestContext, Session } from './context.js';

/**
 * Guards every `@Authorized` field: no session is UNAUTHENTICATED, a role outside the list is
 * FORBIDDEN. Finer rules (an ADMIN may not touch an OWNER) live in the resolvers that know both.
 */
export const authChecker: AuthChecker<RequestContext> = ({ context }, roles) => {
  const session = requireSession(context);
  if (roles.length > 0 && !roles.includes(session.role)) {
    throw forbidden(`Your role ${session.role} may not do this; it needs ${roles.join(' or ')}.`);
  }
  return true;
};

/** The caller's session; UNAUTHENTICATED without one. */
export function requireSession(context: RequestContext): Session {
  if (!context.session) {
    throw clientError(ErrorCode.UNAUTHENTICATED, 'This field needs a bearer token: log in first.');
  }
  return context.session;
}
