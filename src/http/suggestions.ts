import type { ApolloServerPlugin } from '@apollo/server';

import type { RequestContext } from '../schema/context.js';

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * Removes graphql-js's "Did you mean ...?" hints from errors answered to callers without a
 * token: they would map the schema's private fields to anyone probing it.
 */
export function hideSuggestionsPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async willSendResponse({ response }) {
          if (contextValue.session || response.body?.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            (error as { message: string }).message = error.message.replace(SUGGESTION, '');
          }
        },
      };
    },
  };
}
