import type { DocumentNode } from 'graphql';

/** Documents remembered at once; the least recently used is forgotten first. */
const MAX_DOCUMENTS = 500;

/** Longer sources are not remembered: a flood of huge unique documents must not fill memory. */
const MAX_SOURCE_LENGTH = 20_000;

/**
 * Documents that passed parsing, validation and the document limits, by their source text. The
 * HTTP gate prices a request from here without running the GraphQL pipeline; the price itself is
 * computed afresh for every request, from that request's variables.
 */
export class PricedDocuments {
  private readonly bySource = new Map<string, DocumentNode>();

  remember(source: string, document: DocumentNode): void {
    if (source.length > MAX_SOURCE_LENGTH || this.bySource.has(source)) return;

    this.bySource.set(source, document);
    if (this.bySource.size > MAX_DOCUMENTS) {
      this.bySource.delete(this.bySource.keys().next().value as string);
    }
  }

  /** The validated document of `source`, or undefined when it has not been seen (or was dropped). */
  find(source: string): DocumentNode | undefined {
    const document = this.bySource.get(source);
    if (document) {
      // Refresh its place so a steady document outlives one-off ones.
      this.bySource.delete(source);
      this.bySource.set(source, document);
    }
    return document;
  }
}
