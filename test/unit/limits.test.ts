import { readFileSync } from 'node:fs';

import {
  Kind,
  OperationTypeNode,
  buildSchema,
  getIntrospectionQuery,
  parse,
  validate,
} from 'graphql';
import type { DocumentNode, FieldNode, IntrospectionOptions, SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';

import { measureOperation } from '../../src/quota/document-shape.js';
import type { DocumentShape } from '../../src/quota/document-shape.js';
import { DOCUMENT_LIMITS, checkDocumentLimits, countTokens } from '../../src/quota/limits.js';
import type { LimitViolation } from '../../src/quota/limits.js';

const schema = buildSchema(
  readFileSync(new URL('../fixtures/contract-schema.graphql', import.meta.url), 'utf8'),
);

const NESTING = ['organization', 'members', 'nodes'];

/** Checks a document that must also be valid against the contract, as the gateway would see it. */
function check(source: string, operationName?: string): LimitViolation | null {
  const document = parse(source);
  expect(validate(schema, document)).toEqual([]);

  return checkDocumentLimits(source, document, operationName);
}

/** Checks a document as written, for documents that graphql-js validation would refuse too. */
function checkUnvalidated(source: string): LimitViolation | null {
  return checkDocumentLimits(source, parse(source));
}

/** Measures the only operation of a document, without validating it. */
function shape(source: string | DocumentNode): DocumentShape {
  const document = typeof source === 'string' ? parse(source) : source;
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);

  if (operation?.kind !== Kind.OPERATION_DEFINITION) {
    throw new Error('the document has no operation');
  }

  return measureOperation(document, operation);
}

/** viewer › organization › members › nodes › … with `depth` nested selection sets. */
function nestedSource(depth: number): string {
  const names = Array.from({ length: depth }, (_, i) =>
    i === 0 ? 'viewer' : NESTING[(i - 1) % 3],
  );

  return `{ ${names.map((name) => `${name} { `).join('')}__typename ${'} '.repeat(depth)}}`;
}

/** The same nesting built directly, deeper than any parser would accept. */
function nestedDocument(depth: number): DocumentNode {
  let selectionSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [field('id')] };

  for (let level = depth - 1; level >= 0; level -= 1) {
    const name = level === 0 ? 'viewer' : (NESTING[(level - 1) % 3] ?? 'id');
    selectionSet = { kind: Kind.SELECTION_SET, selections: [field(name, selectionSet)] };
  }

  return {
    kind: Kind.DOCUMENT,
    definitions: [
      { kind: Kind.OPERATION_DEFINITION, operation: OperationTypeNode.QUERY, selectionSet },
    ],
  };
}

function field(name: string, selectionSet?: SelectionSetNode): FieldNode {
  return { kind: Kind.FIELD, name: { kind: Kind.NAME, value: name }, selectionSet };
}

function aliases(count: number): string {
  return Array.from({ length: count }, (_, i) => `a${i}: __typename`).join(' ');
}

describe('DOCUMENT_LIMITS', () => {
  it('holds the limits of the contract', () => {
    expect(DOCUMENT_LIMITS).toEqual({
      depth: 12,
      aliases: 30,
      directives: 50,
      tokens: 5000,
      introspectionListDepth: 3,
    });
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(DOCUMENT_LIMITS)).toBe(true);
  });
});

describe('countTokens', () => {
  it('counts every punctuator and name', () => {
    expect(countTokens('{ viewer { id } }', 100)).toBe(6);
  });

  it('does not count comments', () => {
    expect(countTokens('# who am I\n{ viewer { id } }', 100)).toBe(6);
  });

  it('counts a string as one token', () => {
    expect(countTokens('{ project(id: "a b c") { id } }', 100)).toBe(11);
  });

  it('stops one past the maximum', () => {
    expect(countTokens(`{ ${'__typename '.repeat(100)}}`, 10)).toBe(11);
  });
});

describe('checkDocumentLimits', () => {
  describe('tokens', () => {
    // graphql-js validation gives up on thousands of repeated fields, so these are not validated.
    it('accepts exactly 5,000 tokens', () => {
      expect(checkUnvalidated(`{ ${'__typename '.repeat(4998)}}`)).toBeNull();
    });

    it('refuses 5,001 tokens', () => {
      expect(checkUnvalidated(`{ ${'__typename '.repeat(4999)}}`)).toEqual({
        limit: 'tokens',
        value: 5001,
        max: 5000,
      });
    });

    it('reports a far longer document as one past the maximum', () => {
      expect(checkUnvalidated(`{ ${'__typename '.repeat(100_000)}}`)).toEqual({
        limit: 'tokens',
        value: 5001,
        max: 5000,
      });
    });

    it('is checked before every other limit', () => {
      expect(checkUnvalidated(`{ ${aliases(2500)} }`)?.limit).toBe('tokens');
    });
  });

  describe('depth', () => {
    it('is 1 for one object', () => {
      expect(shape('{ viewer { id } }').depth).toBe(1);
    });

    it('is 2 for an object inside an object', () => {
      expect(shape('{ viewer { organization { id } } }').depth).toBe(2);
    });

    it('is 0 for __typename alone', () => {
      expect(shape('{ __typename }').depth).toBe(0);
    });

    it('expands a fragment where it is spread', () => {
      const source = `{ viewer { ...M } }
        fragment M on Member { organization { members { nodes { id } } } }`;

      expect(shape(source).depth).toBe(4);
    });

    it('adds nothing for an inline fragment', () => {
      expect(shape('{ viewer { ... on Member { organization { id } } } }').depth).toBe(2);
    });

    it('accepts a depth of 12', () => {
      expect(check(nestedSource(12))).toBeNull();
    });

    it('refuses a depth of 13', () => {
      expect(check(nestedSource(13))).toEqual({ limit: 'depth', value: 13, max: 12 });
    });

    it('measures a document nested as deeply as 5,000 tokens allow', () => {
      const source = nestedSource(1665);

      expect(countTokens(source, 5000)).toBe(4998);
      expect(checkUnvalidated(source)).toEqual({ limit: 'depth', value: 1665, max: 12 });
    });

    it('measures a document nested far deeper than the call stack', () => {
      expect(shape(nestedDocument(30_000)).depth).toBe(30_000);
    });

    it('does not count introspection subtrees', () => {
      const typeRefs = `${'ofType { '.repeat(14)}name${' }'.repeat(14)}`;
      const source = `{ viewer { id } __schema { types { fields { type { ${typeRefs} } } } } }`;

      expect(shape(source).depth).toBe(1);
    });
  });

  describe('introspection list nesting', () => {
    it('is 3 for the standard introspection query', () => {
      expect(shape(getIntrospectionQuery()).introspectionListDepth).toBe(3);
    });

    it('accepts three nested lists', () => {
      expect(check('{ __schema { types { fields { args { name } } } } }')).toBeNull();
    });

    // graphql-js 16 refuses these in validation as well; the limit must not rely on that.
    it('refuses the circular introspection of four nested lists', () => {
      const source =
        '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }';

      expect(checkUnvalidated(source)).toEqual({ limit: 'depth', value: 4, max: 3 });
    });

    it('counts from __type as from __schema', () => {
      const source = `{ __type(name: "Task") { fields { type { fields { type { fields {
        type { fields { name } } } } } } } } }`;

      expect(checkUnvalidated(source)).toEqual({ limit: 'depth', value: 4, max: 3 });
    });

    it('expands fragments spread inside introspection', () => {
      const source = `{ __schema { types { ...T } } }
        fragment T on __Type { fields { type { fields { args { name } } } } }`;

      expect(checkUnvalidated(source)).toEqual({ limit: 'depth', value: 4, max: 3 });
    });

    const clients: ReadonlyArray<[string, IntrospectionOptions]> = [
      ['graphql-js defaults', {}],
      ['no descriptions', { descriptions: false }],
      ['GraphiQL 5', { schemaDescription: true, inputValueDeprecation: true, oneOf: true }],
      [
        'GraphQL Code Generator',
        {
          descriptions: true,
          specifiedByUrl: true,
          directiveIsRepeatable: true,
          schemaDescription: true,
          inputValueDeprecation: true,
        },
      ],
      [
        'every option',
        {
          descriptions: true,
          specifiedByUrl: true,
          directiveIsRepeatable: true,
          schemaDescription: true,
          inputValueDeprecation: true,
          experimentalDirectiveDeprecation: true,
          oneOf: true,
        },
      ],
    ];

    for (const [client, options] of clients) {
      it(`lets the standard introspection query pass with the options of ${client}`, () => {
        const source = getIntrospectionQuery(options);

        expect(checkDocumentLimits(source, parse(source))).toBeNull();
      });
    }
  });

  describe('aliases', () => {
    it('accepts 30 aliases', () => {
      expect(check(`{ ${aliases(30)} }`)).toBeNull();
    });

    it('refuses 31 aliases', () => {
      expect(check(`{ ${aliases(31)} }`)).toEqual({ limit: 'aliases', value: 31, max: 30 });
    });

    it('counts the aliases of a fragment once per spread', () => {
      const source = `{ a: viewer { ...M } b: viewer { ...M } }
        fragment M on Member { x: id y: email }`;

      // a, b, and x and y twice
      expect(shape(source).aliases).toBe(6);
    });

    it('counts a fragment spread twice in one selection twice', () => {
      expect(shape('{ viewer { ...M ...M } } fragment M on Member { x: id }').aliases).toBe(2);
    });

    it('refuses 32 aliases reached through fragments', () => {
      const ten = Array.from({ length: 10 }, (_, i) => `x${i}: id`).join(' ');
      const source = `{ viewer { ...Ten } a: viewer { ...Ten } b: viewer { ...Ten } }
        fragment Ten on Member { ${ten} }`;

      expect(check(source)).toEqual({ limit: 'aliases', value: 32, max: 30 });
    });

    describe('when fragments double at every level', () => {
      const levels = 40;
      const fragments = Array.from(
        { length: levels },
        (_, i) => `fragment D${i} on Member { x: id ...D${i + 1} ...D${i + 1} }`,
      );
      const last = `fragment D${levels} on Member { x: id }`;
      const source = `{ viewer { ...D0 } } ${fragments.join(' ')} ${last}`;

      it('counts every one of the 2^41 - 1 expanded aliases', () => {
        expect(check(source)).toEqual({ limit: 'aliases', value: 2 ** 41 - 1, max: 30 });
      });

      it('counts them in well under 10 ms', () => {
        const document = parse(source);
        let best = Number.POSITIVE_INFINITY;

        // The best of several runs: the first compiles the code and the machine may be shared.
        for (let run = 0; run < 10; run += 1) {
          const started = performance.now();
          checkDocumentLimits(source, document);
          best = Math.min(best, performance.now() - started);
        }

        expect(best).toBeLessThan(10);
      });
    });
  });

  describe('directives', () => {
    const included = '... @include(if: true) { id } ';

    it('accepts 50 directives', () => {
      expect(check(`{ viewer { ${included.repeat(50)}} }`)).toBeNull();
    });

    it('refuses 51 directives', () => {
      expect(check(`{ viewer { ${included.repeat(51)}} }`)).toEqual({
        limit: 'directives',
        value: 51,
        max: 50,
      });
    });

    it('counts the directives of a fragment once per spread', () => {
      const source = `{ a: viewer { ...M } b: viewer { ...M } }
        fragment M on Member { id @include(if: true) email @skip(if: false) }`;

      expect(shape(source).directives).toBe(4);
    });

    it('counts directives on the fragment definition once per spread', () => {
      const source = '{ viewer { ...M } a: viewer { ...M } } fragment M on Member @cached { id }';

      expect(shape(source).directives).toBe(2);
    });

    it('counts directives on the operation and its variables', () => {
      expect(shape('query Q($v: Int @a) @b { __typename @c }').directives).toBe(3);
    });
  });

  describe('operation selection', () => {
    const source = `query Shallow { viewer { id } } query Deep ${nestedSource(13)}`;

    it('checks only the named operation', () => {
      expect(check(source, 'Shallow')).toBeNull();
    });

    it('refuses the named operation that breaks a limit', () => {
      expect(check(source, 'Deep')).toEqual({ limit: 'depth', value: 13, max: 12 });
    });

    it('checks every operation when none can be picked', () => {
      expect(checkDocumentLimits(source, parse(source))).toEqual({
        limit: 'depth',
        value: 13,
        max: 12,
      });
    });
  });

  describe('when a fragment cycle slipped past validation', () => {
    const source =
      '{ viewer { ...A } } fragment A on Member { organization { members { nodes { ...A } } } }';

    it('returns instead of recursing forever', () => {
      expect(checkDocumentLimits(source, parse(source))).toBeNull();
    });

    it('measures the first lap of the cycle', () => {
      expect(shape(source).depth).toBe(4);
    });
  });
});
