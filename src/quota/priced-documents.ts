import { parse, type DocumentNode } from 'graphql';

/** Operations remembered at once; the least recently used is forgotten first. */
const MAX_OPERATIONS = 200;

/** Longer sources are not remembered. */
const MAX_SOURCE_LENGTH = 8_000;

/** Characters of source remembered in all; with its parse, a bound on the memory held. */
const MAX_TOTAL_SOURCE = 256_000;

/**
 * Operations (a source and the operation name the request chose) that the quota pipeline has
 * just refused for an empty bucket: they passed parsing, validation and the document limits for
 * that operation. The HTTP gate prices a repeat of one from here without running the GraphQL
 * pipeline; the price itself is computed afresh for every request, from that request's
 * variables. Only refused operations are kept, re-parsed without locations, so a flood of
 * distinct admitted documents cannot fill memory.
 */
export class PricedDocuments {
  private readonly byKey = new Map<string, { document: DocumentNode; length: number }>();
  private totalSource = 0;

  remember(source: string, operationName: string | null | undefined): void {
    const key = keyOf(source, operationName);
    if (source.length > MAX_SOURCE_LENGTH || this.byKey.has(key)) return;

    // Apollo's parse keeps every token's location; this copy holds only what pricing reads.
    const document = parse(source, { noLocation: true });
    this.byKey.set(key, { document, length: source.length });
    this.totalSource += source.length;
    while (this.byKey.size > MAX_OPERATIONS || this.totalSource > MAX_TOTAL_SOURCE) {
      this.forgetOldest();
    }
  }

  /** The document of a refused operation, or undefined when it has not been seen (or was dropped). */
  find(source: string, operationName: string | null | undefined): DocumentNode | undefined {
    const key = keyOf(source, operationName);
    const entry = this.byKey.get(key);
    if (entry) {
      // Refresh its place so a steady flood outlives one-off documents.
      this.byKey.delete(key);
      this.byKey.set(key, entry);
    }
    return entry?.document;
  }

  private forgetOldest(): void {
    const [key, entry] = this.byKey.entries().next().value as [string, { length: number }];
    this.byKey.delete(key);
    this.totalSource -= entry.length;
  }
}

function keyOf(source: string, operationName: string | null | undefined): string {
  return `${operationName ?? ''}\u0000${source}`;
}
