import { readFileSync } from 'node:fs';

import {
  Kind,
  OperationTypeNode,
  buildSchema,
  getIntrospectionQuery,
  parse,
  validate,
} from 'graphql';
import type { DocumentNode, FieldNode, SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';

import { COST_CEILING, actualCost, requestedCost } from '../../src/quota/cost.js';
import { countTokens } from '../../src/quota/limits.js';

const schema = buildSchema(
  readFileSync(new URL('../fixtures/contract-schema.graphql', import.meta.url), 'utf8'),
);

/** Every priced document must be valid against the contract, so every price is a real one. */
function valid(source: string): DocumentNode {
  const document = parse(source);
  expect(validate(schema, document)).toEqual([]);

  return document;
}

function requested(
  source: string,
  variables: Record<string, unknown> = {},
  operationName?: string,
): number {
  return requestedCost(schema, valid(source), operationName, variables);
}

function actual(
  source: string,
  data: Record<string, unknown> | null | undefined,
  variables: Record<string, unknown> = {},
): number {
  return actualCost(schema, valid(source), undefined, variables, data);
}

/** F0 … F(levels-1) each spread the next fragment under two aliases; the last selects `id`. */
function doublingDocument(levels: number): string {
  const fragments: string[] = [];

  for (let level = 0; level < levels; level += 1) {
    const branch = `members(first: 3) { nodes { organization { ...F${level + 1} } } }`;
    fragments.push(`fragment F${level} on Organization { a: ${branch} b: ${branch} }`);
  }

  fragments.push(`fragment F${levels} on Organization { id }`);

  return `{ organization { ...F0 } } ${fragments.join(' ')}`;
}

/** `spreads` aliases of `viewer`, each adding `id` to a fragment of `fields` aliased objects. */
function wideDocument(spreads: number, fields: number): string {
  const aliases = Array.from({ length: spreads }, (_, i) => `a${i}: viewer { id ...Wide }`);
  const objects = Array.from({ length: fields }, (_, i) => `f${i}: organization { id }`);

  return `{ ${aliases.join(' ')} } fragment Wide on Member { ${objects.join(' ')} }`;
}

/** viewer › organization › members › nodes › organization › … built directly, `levels` deep. */
function nestedDocument(levels: number): DocumentNode {
  const cycle = ['organization', 'members', 'nodes'];
  let selectionSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [field('id')] };

  for (let level = levels - 1; level >= 0; level -= 1) {
    const name = level === 0 ? 'viewer' : (cycle[(level - 1) % 3] ?? 'id');
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

/**
 * The best of ten timings once the code is compiled, as it is in a running gateway: the
 * machine may be shared, and one run slowed by a neighbour says nothing about the algorithm.
 */
function bestTimeToPrice(document: DocumentNode): number {
  for (let warmUp = 0; warmUp < 20; warmUp += 1) {
    requestedCost(schema, document, undefined, {});
  }

  let best = Number.POSITIVE_INFINITY;

  for (let run = 0; run < 10; run += 1) {
    const started = performance.now();
    requestedCost(schema, document, undefined, {});
    best = Math.min(best, performance.now() - started);
  }

  return best;
}

describe('requestedCost', () => {
  describe('the examples of the contract', () => {
    it('prices a member with two scalars at 1', () => {
      expect(requested('{ viewer { id email } }')).toBe(1);
    });

    it('prices an object inside an object at 2', () => {
      expect(requested('{ viewer { organization { id } } }')).toBe(2);
    });

    it('prices a connection of scalars with pageInfo at 2', () => {
      expect(requested('{ projects(first: 10) { nodes { id } pageInfo { hasNextPage } } }')).toBe(
        2,
      );
    });

    it('prices nested connections with totalCount at 73', () => {
      const source = `{ projects(first: 10) { totalCount nodes { id
        tasks(first: 5) { nodes { id assignee { id } } } } } }`;

      // 2 + 1 + 10 × (2 + 5 × 1)
      expect(requested(source)).toBe(73);
    });

    it('prices a mutation returning a scalar at 10', () => {
      expect(requested('mutation { logout }')).toBe(10);
    });

    it('prices a mutation returning an object of scalars at 10', () => {
      expect(requested('mutation { createProject(input: {name: "x"}) { id } }')).toBe(10);
    });
  });

  describe('scalar and enum fields', () => {
    it('cost nothing, custom scalars included', () => {
      expect(requested('{ viewer { id email role createdAt } }')).toBe(1);
    });

    it('cost nothing as a list of strings', () => {
      expect(requested('{ task(id: "1") { tags status dueAt } }')).toBe(1);
    });
  });

  describe('object fields', () => {
    it('cost 1 each plus their selection', () => {
      const source = '{ task(id: "1") { project { id } assignee { organization { id } } } }';

      // task 1 + project 1 + assignee 1 + organization 1
      expect(requested(source)).toBe(4);
    });

    it('cost 1 once for a plain list of objects', () => {
      expect(requested('{ clusters { name healthy tenantCount } }')).toBe(1);
    });

    it('price a quota that is not the root field as an ordinary object', () => {
      // tenant 1 + Tenant.quota 1 + usage 1
      expect(requested('{ tenant(id: "t") { quota { plan } usage { operations } } }')).toBe(3);
    });
  });

  describe('connections', () => {
    it('cost 2 when they select no nodes', () => {
      expect(requested('{ tenants(first: 5) { pageInfo { hasNextPage endCursor } } }')).toBe(2);
    });

    it('add 1 for totalCount', () => {
      expect(requested('{ projects(first: 10) { totalCount } }')).toBe(3);
    });

    it('multiply the cost of one node by first', () => {
      // 2 + 5 × (quota 1 + usage 1)
      expect(requested('{ tenants(first: 5) { nodes { quota { plan } usage { since } } } }')).toBe(
        12,
      );
    });

    it('use the default of 20 when first is omitted', () => {
      expect(requested('{ tasks { nodes { project { id } } } }')).toBe(22);
    });

    it('read first from a variable', () => {
      const source = 'query ($n: Int) { tasks(first: $n) { nodes { assignee { id } } } }';

      expect(requested(source, { n: 7 })).toBe(9);
    });

    it('fall back to the argument default when the variable is not provided', () => {
      const source = 'query ($n: Int) { tasks(first: $n) { nodes { assignee { id } } } }';

      expect(requested(source, {})).toBe(22);
    });

    it("use the variable's own default before the argument's", () => {
      const source = 'query ($n: Int = 4) { tasks(first: $n) { nodes { assignee { id } } } }';

      expect(requested(source, {})).toBe(6);
    });

    it('count a negative first as 0', () => {
      expect(requested('{ tasks(first: -5) { nodes { assignee { id } } } }')).toBe(2);
    });

    it('count a first of null as 0', () => {
      const source = 'query ($n: Int) { tasks(first: $n) { nodes { assignee { id } } } }';

      expect(requested(source, { n: null })).toBe(2);
    });

    it('count a non-numeric first as 0', () => {
      const source = 'query ($n: Int) { tasks(first: $n) { nodes { assignee { id } } } }';

      expect(requested(source, { n: 'ten' })).toBe(2);
    });

    it('multiply through every level of nesting', () => {
      const source = `{ organization {
        members(first: 2) { totalCount nodes { id } }
        projects(first: 3) { totalCount nodes {
          tasks(first: 4) { totalCount nodes { assignee { id } } } } }
      } }`;

      // organization 1 + members (2 + 1) + projects (2 + 1 + 3 × (2 + 1 + 4 × 1))
      expect(requested(source)).toBe(28);
    });

    it('add each aliased nodes selection to the cost of one node', () => {
      const source =
        '{ projects(first: 10) { a: nodes { id } b: nodes { tasks(first: 1) { totalCount } } } }';

      // 2 + 10 × (0 + (2 + 1))
      expect(requested(source)).toBe(32);
    });
  });

  describe('fragments', () => {
    it('count a named fragment as if written out', () => {
      expect(requested('{ viewer { ...M } } fragment M on Member { organization { id } }')).toBe(2);
    });

    it('count an inline fragment as if written out', () => {
      expect(requested('{ viewer { ... on Member { organization { id } } } }')).toBe(2);
    });

    it('count a fragment spread twice in one selection once, as execution merges it', () => {
      const source = '{ viewer { ...M ...M } } fragment M on Member { organization { id } }';

      expect(requested(source)).toBe(2);
    });

    it('merge a fragment field with a written field of the same response key', () => {
      const source = `{ viewer { organization { id } ...M } }
        fragment M on Member { organization { name } }`;

      expect(requested(source)).toBe(2);
    });

    it('merge a fragment on a connection into its written nodes', () => {
      const source = `{ projects(first: 2) { nodes { id } ...P } }
        fragment P on ProjectConnection { totalCount nodes { tasks(first: 3) { nodes { id } } } }`;

      // 2 + 1 + 2 × (2 + 3 × 0)
      expect(requested(source)).toBe(7);
    });

    it('expand fragments spread inside fragments', () => {
      const source = `{ tasks(first: 2) { nodes { ...T } } }
        fragment T on Task { assignee { ...M } project { id } }
        fragment M on Member { organization { id } }`;

      // 2 + 2 × (assignee 1 + organization 1 + project 1)
      expect(requested(source)).toBe(8);
    });

    it('expand a fragment on the root type', () => {
      expect(requested('{ ...Q } fragment Q on Query { viewer { id } quota { plan } }')).toBe(1);
    });

    it('count every expansion of fragments that double at each level', () => {
      // F2 = 0, F1 = 2 × (2 + 3 × (1 + 0)) = 10, F0 = 2 × (2 + 3 × (1 + 10)) = 70; + organization 1
      expect(requested(doublingDocument(2))).toBe(71);
    });

    it('count one more doubling level', () => {
      // F0 = 2 × (2 + 3 × (1 + 70)) = 430; + organization 1
      expect(requested(doublingDocument(3))).toBe(431);
    });

    describe('when a fragment is spread under two aliases', () => {
      it('counts it twice', () => {
        const source = `{ a: viewer { ...M } b: viewer { ...M } }
          fragment M on Member { organization { id } }`;

        expect(requested(source)).toBe(4);
      });
    });
  });

  describe('aliases', () => {
    it('count the same field under two aliases twice', () => {
      const source = '{ a: viewer { organization { id } } b: viewer { organization { id } } }';

      expect(requested(source)).toBe(4);
    });

    it('merge fields that share a response key', () => {
      const source = '{ viewer { organization { id } } viewer { organization { name } } }';

      expect(requested(source)).toBe(2);
    });

    it('merge an alias that equals a field name with that field', () => {
      expect(requested('{ viewer { id } viewer: viewer { email } }')).toBe(1);
    });

    it('count two aliased connections separately with their own first', () => {
      const source = `{ a: tasks(first: 2) { nodes { assignee { id } } }
        b: tasks(first: 5) { nodes { assignee { id } } } }`;

      // (2 + 2 × 1) + (2 + 5 × 1)
      expect(requested(source)).toBe(11);
    });
  });

  describe('@skip and @include', () => {
    it('drop a field skipped with a literal', () => {
      expect(requested('{ viewer { id } organization @skip(if: true) { id } }')).toBe(1);
    });

    it('drop a field excluded by a variable', () => {
      const source = 'query ($on: Boolean!) { viewer @include(if: $on) { organization { id } } }';

      expect(requested(source, { on: false })).toBe(0);
    });

    it('keep a field included by a variable', () => {
      const source = 'query ($on: Boolean!) { viewer @include(if: $on) { organization { id } } }';

      expect(requested(source, { on: true })).toBe(2);
    });

    it('drop a skipped fragment spread', () => {
      const source = `query ($s: Boolean!) { viewer { ...M @skip(if: $s) } }
        fragment M on Member { organization { id } }`;

      expect(requested(source, { s: true })).toBe(1);
    });

    it('drop an excluded inline fragment', () => {
      expect(requested('{ viewer { ... @include(if: false) { organization { id } } } }')).toBe(1);
    });

    it('keep an included copy of a field whose other copy is skipped', () => {
      const source = '{ viewer { organization @skip(if: true) { id } organization { name } } }';

      expect(requested(source)).toBe(2);
    });
  });

  describe('mutations', () => {
    it('cost 10 plus their selection', () => {
      const source = `mutation { login(input: {email: "a", password: "b"}) {
        token member { organization { id } } } }`;

      // 10 + member 1 + organization 1
      expect(requested(source)).toBe(12);
    });

    it('cost 10 for every root field', () => {
      expect(requested('mutation { a: logout b: logout }')).toBe(20);
    });

    it('price connections beneath them by the usual rules', () => {
      const source =
        'mutation { updateOrganization(input: {}) { projects(first: 3) { nodes { id } } } }';

      expect(requested(source)).toBe(12);
    });

    it('cost 10 for the operator mutations too', () => {
      expect(requested('mutation { moveTenant(id: "t", tier: DATABASE) { id state } }')).toBe(10);
    });

    it('cost 10 when spread from a fragment on Mutation', () => {
      expect(requested('mutation { ...M } fragment M on Mutation { logout }')).toBe(10);
    });

    it('charge nothing for __typename on the mutation root', () => {
      expect(requested('mutation { __typename logout }')).toBe(10);
    });
  });

  describe('taskReport', () => {
    it('costs a flat 100 whatever it selects', () => {
      const source =
        '{ taskReport(input: {dimension: STATUS}) { dimension total buckets { key count } } }';

      expect(requested(source)).toBe(100);
    });

    it('costs 100 for __typename alone', () => {
      expect(requested('{ taskReport(input: {dimension: TAG}) { __typename } }')).toBe(100);
    });

    it('costs 100 per alias', () => {
      const source = `{ a: taskReport(input: {dimension: TAG}) { total }
        b: taskReport(input: {dimension: STATUS}) { total } }`;

      expect(requested(source)).toBe(200);
    });
  });

  describe('quota', () => {
    it('costs nothing at the root', () => {
      const source = `{ quota { plan maximumAvailable currentlyAvailable restoreRate
        maxQueryCost concurrency } }`;

      expect(requested(source)).toBe(0);
    });
  });

  describe('__typename', () => {
    it('costs nothing on objects', () => {
      expect(requested('{ __typename viewer { __typename } }')).toBe(1);
    });

    it('costs nothing on connections and their nodes', () => {
      expect(requested('{ projects(first: 5) { __typename nodes { __typename } } }')).toBe(2);
    });
  });

  describe('introspection', () => {
    it('counts __schema and its lists like object fields', () => {
      expect(requested('{ __schema { types { name } } }')).toBe(2);
    });

    it('counts __type and the type references beneath it', () => {
      const source =
        '{ __type(name: "Project") { fields { name type { name ofType { name } } } } }';

      // __type 1 + fields 1 + type 1 + ofType 1
      expect(requested(source)).toBe(4);
    });

    it('prices the standard introspection query at 71', () => {
      // TypeRef = 9 nested ofType; InputValue = type 1 + 9 = 10;
      // FullType = fields (1 + args 11 + type 10) + inputFields 11 + interfaces 10
      //          + enumValues 1 + possibleTypes 10 = 54;
      // __schema 1 + three root types 3 + types (1 + 54) + directives (1 + args 11) = 71
      expect(requested(getIntrospectionQuery())).toBe(71);
    });
  });

  describe('operation selection', () => {
    const source = `query A { viewer { id } }
      query B { organization { projects(first: 1) { totalCount } } }`;

    it('prices the named operation', () => {
      expect(requested(source, {}, 'B')).toBe(4);
    });

    it('prices nothing for an unknown operation name', () => {
      expect(requested(source, {}, 'C')).toBe(0);
    });

    it('prices nothing without a name when there are several operations', () => {
      expect(requested(source)).toBe(0);
    });
  });

  describe('when a document has a fragment cycle that validation would reject', () => {
    it('stops at the second lap instead of recursing forever', () => {
      const source = `{ viewer { ...A } }
        fragment A on Member { organization { members { nodes { ...A } } } }`;

      // viewer 1 + organization 1 + members (2 + 20 × 0 for the lap that is cut)
      expect(requestedCost(schema, parse(source), undefined, {})).toBe(4);
    });
  });

  describe('when a 5,000-token document doubles its fragments at every level', () => {
    const source = doublingDocument(118);

    it('is just under 5,000 tokens', () => {
      expect(countTokens(source, 5000)).toBe(4970);
    });

    it('saturates at the ceiling instead of overflowing to Infinity', () => {
      expect(requested(source)).toBe(COST_CEILING);
    });

    it('prices in well under 10 ms', () => {
      expect(bestTimeToPrice(valid(source))).toBeLessThan(10);
    });
  });

  describe('when a 5,000-token document spreads a large fragment under many aliases', () => {
    const source = wideDocument(248, 500);

    it('is just under 5,000 tokens', () => {
      expect(countTokens(source, 5000)).toBe(4992);
    });

    it('counts every alias in full', () => {
      // 248 × (viewer 1 + 500 × organization 1)
      expect(requested(source)).toBe(124_248);
    });

    it('prices in well under 10 ms', () => {
      expect(bestTimeToPrice(valid(source))).toBeLessThan(10);
    });
  });

  describe('when a document is nested deeper than the call stack can walk', () => {
    it('prices at the ceiling, which every budget refuses', () => {
      expect(requestedCost(schema, nestedDocument(30_000), undefined, {})).toBe(COST_CEILING);
    });
  });
});

describe('beyond the contract schema', () => {
  const withInterface = buildSchema(`
    interface Node { id: ID! }
    type Owner { id: ID! }
    type Cheap implements Node { id: ID! }
    type Dear implements Node { id: ID! owner: Owner! }
    type Query { node(id: ID!): Node }
  `);
  const document = parse('{ node(id: "1") { id ... on Dear { owner { id } } } }');

  it('prices an interface at its dearest implementation', () => {
    expect(validate(withInterface, document)).toEqual([]);

    // node 1 + the owner that only Dear has 1
    expect(requestedCost(withInterface, document, undefined, {})).toBe(2);
  });

  it('charges the implementation the data names in __typename', () => {
    const data = { node: { __typename: 'Cheap', id: '1' } };

    expect(actualCost(withInterface, document, undefined, {}, data)).toBe(1);
  });

  it('charges the dearest implementation when the data does not name one', () => {
    const data = { node: { id: '1' } };

    // Read as a Dear, the missing owner counts as returned null, which charges its base
    expect(actualCost(withInterface, document, undefined, {}, data)).toBe(2);
  });
});

describe('actualCost', () => {
  const nestedConnections = `{ projects(first: 10) { totalCount nodes { id
    tasks(first: 5) { nodes { id assignee { id } } } } } }`;

  it('charges each connection for the nodes it returned', () => {
    const data = {
      projects: {
        totalCount: 2,
        nodes: [
          {
            id: 'p1',
            tasks: {
              nodes: [
                { id: 't1', assignee: { id: 'm' } },
                { id: 't2', assignee: null },
              ],
            },
          },
          { id: 'p2', tasks: { nodes: [] } },
        ],
      },
    };

    // 2 + 1 + p1 (2 + assignee 1 + null assignee 1) + p2 (2)
    expect(actual(nestedConnections, data)).toBe(9);
  });

  it('charges the requested cost when every page is full', () => {
    const task = { id: 't', assignee: { id: 'm' } };
    const project = { id: 'p', tasks: { nodes: Array.from({ length: 5 }, () => task) } };
    const data = { projects: { totalCount: 10, nodes: Array.from({ length: 10 }, () => project) } };

    expect(actual(nestedConnections, data)).toBe(73);
  });

  it('charges an object field that returned null its base of 1', () => {
    const source = '{ task(id: "x") { project { id } assignee { organization { id } } } }';

    expect(actual(source, { task: null })).toBe(1);
  });

  it('charges the objects that came back and the base of the one that did not', () => {
    const source = '{ task(id: "x") { project { id } assignee { organization { id } } } }';

    // task 1 + project 1 + null assignee 1
    expect(actual(source, { task: { project: { id: 'p' }, assignee: null } })).toBe(3);
  });

  it('charges a connection that returned null its base of 2', () => {
    const source =
      '{ organization { projects(first: 5) { totalCount nodes { tasks { nodes { id } } } } } }';

    expect(actual(source, { organization: { projects: null } })).toBe(3);
  });

  it('charges a mutation that returned null its base of 10', () => {
    const source =
      'mutation { createProject(input: {name: "x"}) { tasks(first: 3) { nodes { id } } } }';

    expect(actual(source, { createProject: null })).toBe(10);
  });

  it('charges a mutation its base and what it returned', () => {
    const source =
      'mutation { createProject(input: {name: "x"}) { tasks(first: 3) { nodes { id } } } }';

    expect(actual(source, { createProject: { tasks: { nodes: [{ id: 't' }] } } })).toBe(12);
  });

  it('charges every root field its base when the whole data is null', () => {
    const source = `{ viewer { organization { id } } projects(first: 3) { nodes { id } }
      taskReport(input: {dimension: STATUS}) { total } }`;

    // viewer 1 + projects 2 + taskReport 100
    expect(actual(source, null)).toBe(103);
  });

  it('charges nothing when there is no data, because execution never started', () => {
    expect(actual('mutation { logout }', undefined)).toBe(0);
  });

  it('charges no more nodes than first allowed', () => {
    const source = '{ tasks(first: 2) { nodes { assignee { id } } } }';
    const nodes = [1, 2, 3].map((n) => ({ assignee: { id: `m${n}` } }));

    // 2 + 2 × 1, the third node ignored
    expect(actual(source, { tasks: { nodes } })).toBe(4);
  });

  it('never charges more than the requested cost', () => {
    const source = '{ tasks(first: 2) { nodes { assignee { id } } } }';
    const nodes = [1, 2, 3].map((n) => ({ assignee: { id: `m${n}` } }));
    const data = { tasks: { nodes } };

    expect(actual(source, data)).toBeLessThanOrEqual(requested(source));
  });

  it('charges a plain list its dearest item once', () => {
    const source = '{ __schema { types { fields { name } } } }';
    const data = { __schema: { types: [{ fields: null }, { fields: [{ name: 'id' }] }] } };

    // __schema 1 + types 1 + the dearest type's fields 1
    expect(actual(source, data)).toBe(3);
  });

  it('charges an empty plain list its base only', () => {
    expect(actual('{ clusters { name } }', { clusters: [] })).toBe(1);
  });

  it('reads aliased results by their response keys', () => {
    const source = '{ a: task(id: "1") { project { id } } b: task(id: "2") { project { id } } }';

    // a (1 + 1) + b null 1
    expect(actual(source, { a: { project: { id: 'p' } }, b: null })).toBe(3);
  });

  it('charges taskReport its flat 100 even when it returned null', () => {
    expect(actual('{ taskReport(input: {dimension: TAG}) { total } }', { taskReport: null })).toBe(
      100,
    );
  });

  it('charges nothing for quota', () => {
    expect(actual('{ quota { plan } }', { quota: { plan: 'FREE' } })).toBe(0);
  });

  it('follows fragments into the returned data', () => {
    const source = `{ tasks(first: 5) { ...TaskPage } }
      fragment TaskPage on TaskConnection { totalCount nodes { ...TaskBits } }
      fragment TaskBits on Task { assignee { id } }`;

    // 2 + 1 + one node's assignee 1
    expect(actual(source, { tasks: { totalCount: 1, nodes: [{ assignee: { id: 'm' } }] } })).toBe(
      4,
    );
  });

  it('charges nothing for a field skipped by a variable', () => {
    const source = 'query ($s: Boolean!) { viewer { id } task(id: "1") @skip(if: $s) { id } }';

    expect(actual(source, { viewer: { id: 'm' } }, { s: true })).toBe(1);
  });
});
