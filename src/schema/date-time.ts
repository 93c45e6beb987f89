import { GraphQLScalarType } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';

/**
 * The contract's `DateTime`: an RFC 3339 date-time, returned at UTC with milliseconds. Parsing
 * and serialising are graphql-scalars' well-tested ones; only the description is ours.
 */
export const DateTime = new GraphQLScalarType({
  ...GraphQLDateTime.toConfig(),
  description: 'An RFC 3339 date-time such as 2026-12-04T07:30:00.000Z.',
});
