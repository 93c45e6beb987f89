import { createHash } from 'node:crypto';

import { parse } from 'graphql';

import {
  DOCUMENT_LIMITS,
  checkDocumentLimits,
  checkTokens,
  type LimitViolation,
} from './limits.js';

/** Sources measured recently; a flood of one document is measured once. */
const CACHE_SIZE = 2_000;

/**
 * Longer sources are remembered by their SHA-256: keys of up to a megabyte each (the body limit)
 * would let a flood of distinct large documents hold gigabytes in this cache.
 */
const MAX_KEYED_SOURCE = 1_024;

/**
 * Measures a request's source against the document limits before Apollo parses and validates
 * it, so a hostile document gets QUERY_TOO_COMPLEX rather than whichever validation error
 * graphql-js raises first (its own introspection-depth rule, for one). The token count runs on
 * the lexer alone and stops just past the limit; only sources within it are parsed here.
 */
export class SourceLimits {
  private readonly verdicts = new Map<string, LimitViolation | null>();

  /** The first limit the source breaks for this operation, or null. */
  check(source: string, operationName: string | null | undefined): LimitViolation | null {
    const key = `${operationName ?? ''}\u0000${keyOf(source)}`;
    const cached = this.verdicts.get(key);
    if (cached !== undefined) return cached;

    const verdict = this.measure(source, operationName);
    if (this.verdicts.size >= CACHE_SIZE)
      this.verdicts.delete(this.verdicts.keys().next().value as string);
    this.verdicts.set(key, verdict);
    return verdict;
  }

  private measure(source: string, operationName: string | null | undefined): LimitViolation | null {
    try {
      const tokens = checkTokens(source);
      if (tokens) return tokens;

      const document = parse(source, { noLocation: true, maxTokens: DOCUMENT_LIMITS.tokens });
      return checkDocumentLimits(source, document, operationName);
    } catch {
      return null; // a source that does not lex or parse: Apollo's parser reports it
    }
  }
}

function keyOf(source: string): string {
  // Distinct prefixes: a short source spelling another's digest must not share its verdict.
  if (source.length <= MAX_KEYED_SOURCE) return `text:${source}`;
  return `sha256:${createHash('sha256').update(source).digest('base64')}`;
}
