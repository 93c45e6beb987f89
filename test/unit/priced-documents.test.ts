import { describe, expect, it } from 'vitest';

import { PricedDocuments } from '../../src/quota/priced-documents.js';

const source = (index: number, padding = 0) =>
  `query Q${index} { viewer { id${' id'.repeat(padding)} } }`;

describe('PricedDocuments', () => {
  it('finds an operation by its source and operation name only', () => {
    const documents = new PricedDocuments();
    documents.remember(source(1), 'Q1');

    expect(documents.find(source(1), 'Q1')?.definitions).toHaveLength(1);
    expect(documents.find(source(1), undefined)).toBeUndefined();
    expect(documents.find(source(2), 'Q1')).toBeUndefined();
  });

  it('keeps no locations: only what pricing reads', () => {
    const documents = new PricedDocuments();
    documents.remember(source(1), null);

    expect(documents.find(source(1), null)?.loc).toBeUndefined();
  });

  it('bounds what it holds by count and by total source length', () => {
    const documents = new PricedDocuments();
    for (let index = 0; index < 1_000; index++) documents.remember(source(index, 600), null);

    const held = Array.from({ length: 1_000 }, (_, index) =>
      documents.find(source(index, 600), null),
    ).filter(Boolean).length;
    // Each source is 1,825 to 1,828 characters: 256,000 of them hold at most 140.
    expect(held).toBeLessThanOrEqual(140);
    expect(held).toBeGreaterThan(100);
    expect(documents.find(source(999, 600), null)).toBeDefined();
    expect(documents.find(source(0, 600), null)).toBeUndefined();
  });

  it('does not remember sources longer than 8,000 characters', () => {
    const documents = new PricedDocuments();
    documents.remember(source(1, 3_000), null);

    expect(documents.find(source(1, 3_000), null)).toBeUndefined();
  });
});
