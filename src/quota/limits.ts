import { Kind, Lexer, Source, TokenKind } from 'graphql';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';

import { measureOperation } from './document-shape.js';
import type { DocumentShape } from './document-shape.js';
import { selectOperation } from './document-walk.js';

/** The limits every document must pass before it is priced, whatever its variables. */
export const DOCUMENT_LIMITS = Object.freeze({
  depth: 12,
  aliases: 30,
  directives: 50,
  tokens: 5000,
  introspectionListDepth: 3,
});

/** The limit a document broke; nested introspection lists break `depth`. */
export type DocumentLimit = 'depth' | 'aliases' | 'directives' | 'tokens';

/** The first limit a document broke, what it measured and what was allowed. */
export interface LimitViolation {
  readonly limit: DocumentLimit;
  readonly value: number;
  readonly max: number;
}

/**
 * Counts lexical tokens as the parser's `maxTokens` does (comments and the end are not tokens),
 * stopping at max + 1 so that a huge document costs no more than a just-too-long one.
 * Throws the lexer's GraphQLError on a source that does not lex.
 */
export function countTokens(source: string, max: number): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;

  while (lexer.advance().kind !== TokenKind.EOF) {
    count += 1;

    if (count > max) {
      return max + 1;
    }
  }

  return count;
}

/** The token limit, checked on the whole source. */
export function checkTokens(source: string): LimitViolation | null {
  const max = DOCUMENT_LIMITS.tokens;
  const value = countTokens(source, max);

  return value > max ? { limit: 'tokens', value, max } : null;
}

/** The depth, introspection, alias and directive limits, in that order, for one measured shape. */
export function checkShape(shape: DocumentShape): LimitViolation | null {
  if (shape.depth > DOCUMENT_LIMITS.depth) {
    return { limit: 'depth', value: shape.depth, max: DOCUMENT_LIMITS.depth };
  }

  const listDepth = shape.introspectionListDepth;

  if (listDepth > DOCUMENT_LIMITS.introspectionListDepth) {
    return { limit: 'depth', value: listDepth, max: DOCUMENT_LIMITS.introspectionListDepth };
  }

  if (shape.aliases > DOCUMENT_LIMITS.aliases) {
    return { limit: 'aliases', value: shape.aliases, max: DOCUMENT_LIMITS.aliases };
  }

  if (shape.directives > DOCUMENT_LIMITS.directives) {
    return { limit: 'directives', value: shape.directives, max: DOCUMENT_LIMITS.directives };
  }

  return null;
}

/**
 * Every variable-free limit for the operation that would run. When none can be picked, every
 * operation is checked: execution will refuse the document, but the check stays conservative.
 */
export function checkDocumentLimits(
  source: string,
  document: DocumentNode,
  operationName?: string | null,
): LimitViolation | null {
  const tokens = checkTokens(source);

  if (tokens !== null) {
    return tokens;
  }

  for (const operation of operationsToCheck(document, operationName)) {
    const violation = checkShape(measureOperation(document, operation));

    if (violation !== null) {
      return violation;
    }
  }

  return null;
}

function operationsToCheck(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode[] {
  const selected = selectOperation(document, operationName);

  if (selected !== undefined) {
    return [selected];
  }

  return document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
}
