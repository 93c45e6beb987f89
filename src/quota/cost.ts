import { getNamedType, isAbstractType, isObjectType } from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  GraphQLField,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
  SelectionSetNode,
} from 'graphql';

import {
  createWalkContext,
  selectOperation,
  selectionParts,
  spreadFields,
  subSelections,
} from './document-walk.js';
import type { SelectionParts, WalkContext } from './document-walk.js';
import {
  COST_CEILING,
  COST_WEIGHTS,
  addCosts,
  connectionRole,
  connectionSize,
  connectionType,
  fieldOf,
  fieldPrice,
  multiplyCost,
} from './price-rules.js';
import type { FieldPrice, PricedField } from './price-rules.js';
import { returnedCost } from './returned-cost.js';

export { COST_CEILING, COST_WEIGHTS } from './price-rules.js';

/**
 * What a sum over a selection's fields counts: every field, or, on a connection, the selection
 * of one node, or everything else the connection selects.
 */
type PriceView = 'fields' | 'nodes' | 'extras';

interface Pricer {
  readonly walk: WalkContext;
  readonly memo: Record<PriceView, Map<SelectionParts, number>>;
  readonly prices: Map<GraphQLField<unknown, unknown>, FieldPrice>;
}

/** The cost of an operation as requested, worked out from the document and variables alone. */
export function requestedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined | null,
  variables: Record<string, unknown> | undefined,
): number {
  // An operation that cannot be resolved is refused by execution and so does no work.
  const operation = selectOperation(document, operationName);
  const rootType = operation && schema.getRootType(operation.operation);

  if (operation === undefined || rootType == null) {
    return 0;
  }

  const pricer: Pricer = {
    walk: createWalkContext(schema, document, operation, variables),
    memo: { fields: new Map(), nodes: new Map(), extras: new Map() },
    prices: new Map(),
  };

  return withinStack(() => objectSelectionCost(pricer, rootType, [operation.selectionSet]));
}

/**
 * The cost of what an operation actually returned; never more than its requested cost, which a
 * caller that priced the operation already passes as `requested` (else it is priced again).
 */
export function actualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined | null,
  variables: Record<string, unknown> | undefined,
  data: Record<string, unknown> | null | undefined,
  requested?: number,
): number {
  const operation = selectOperation(document, operationName);
  const rootType = operation && schema.getRootType(operation.operation);

  // No data entry at all means execution never started (the spec omits it then): nothing ran.
  if (operation === undefined || rootType == null || data === undefined) {
    return 0;
  }

  const walk = createWalkContext(schema, document, operation, variables);

  // Null data means an error nulled the whole result: every root field counts as returned null.
  const returned = withinStack(() =>
    returnedCost(walk, rootType, [operation.selectionSet], data ?? {}),
  );

  // A resolver may return more than the schema promises; the caller was quoted the requested cost.
  return Math.min(returned, requested ?? requestedCost(schema, document, operationName, variables));
}

/**
 * A selection nested too deeply for the call stack (about a thousand levels; the depth limit
 * refuses such documents first) prices at the ceiling, which every budget refuses.
 */
function withinStack(price: () => number): number {
  try {
    return price();
  } catch (error) {
    if (error instanceof RangeError) {
      return COST_CEILING;
    }

    throw error;
  }
}

function objectSelectionCost(
  pricer: Pricer,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
): number {
  return sumOverFields(pricer, type, selectionSets, 'fields');
}

/**
 * Sums a price over the merged fields of a selection without merging it in full: the spread
 * fragments are priced once (memoised) and only the written fields that share a response key
 * with them are re-priced as merged. A fragment spread under many aliases is then O(1) each.
 */
function sumOverFields(
  pricer: Pricer,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  view: PriceView,
): number {
  const parts = selectionParts(pricer.walk, type, selectionSets);
  const memo = pricer.memo[view];
  const known = memo.get(parts);

  if (known !== undefined) {
    return known;
  }

  // Seeded with 0 so that a fragment cycle, which validation rejects, cannot recurse forever.
  memo.set(parts, 0);
  const fromSpreads = spreadFields(pricer.walk, type, parts);
  let cost = parts.spread.length === 0 ? 0 : sumOverFields(pricer, type, parts.spread, view);

  for (const [responseKey, written] of parts.written) {
    const spread = fromSpreads.get(responseKey);

    // Merging only adds selections, so the difference is what the written fields add.
    const added =
      spread === undefined
        ? groupCost(pricer, type, written, view)
        : groupCost(pricer, type, [...written, ...spread], view) -
          groupCost(pricer, type, spread, view);

    cost = addCosts(cost, Math.max(0, added));
  }

  memo.set(parts, cost);

  return cost;
}

/** Prices one merged group of same-key fields as the given view of the selection sees it. */
function groupCost(
  pricer: Pricer,
  type: GraphQLObjectType,
  fieldNodes: readonly FieldNode[],
  view: PriceView,
): number {
  if (view === 'fields') {
    return fieldCost(pricer, type, fieldNodes);
  }

  if (view === 'nodes') {
    return connectionRole(fieldNodes) === 'nodes' ? nodeCost(pricer, type, fieldNodes) : 0;
  }

  return connectionExtraCost(pricer, type, fieldNodes);
}

/** Prices the selection beneath a field of any type; an abstract type costs its dearest member. */
function selectionCost(
  pricer: Pricer,
  type: GraphQLOutputType,
  selectionSets: readonly SelectionSetNode[],
): number {
  const named = getNamedType(type);

  if (isObjectType(named)) {
    return sumOverFields(pricer, named, selectionSets, 'fields');
  }

  if (!isAbstractType(named)) {
    return 0;
  }

  let dearest = 0;

  for (const member of pricer.walk.schema.getPossibleTypes(named)) {
    dearest = Math.max(dearest, objectSelectionCost(pricer, member, selectionSets));
  }

  return dearest;
}

function fieldCost(
  pricer: Pricer,
  parentType: GraphQLObjectType,
  fieldNodes: readonly FieldNode[],
): number {
  const schema = pricer.walk.schema;
  const priced = fieldOf(schema, parentType, fieldNodes);

  if (priced === undefined) {
    return 0;
  }

  const price = cachedPrice(pricer, priced);

  if (price.kind === 'flat') {
    return price.cost;
  }

  if (price.kind === 'object') {
    const selection = selectionCost(pricer, priced.field.type, subSelections(fieldNodes));

    return addCosts(price.base, selection);
  }

  return connectionCost(pricer, priced.field, fieldNodes);
}

/** The rule for a field never changes within one schema; hostile documents repeat fields a lot. */
function cachedPrice(pricer: Pricer, priced: PricedField): FieldPrice {
  const known = pricer.prices.get(priced.field);

  if (known !== undefined) {
    return known;
  }

  const price = fieldPrice(pricer.walk.schema, priced);
  pricer.prices.set(priced.field, price);

  return price;
}

/** 2 + n × (one node's selection) + 1 for `totalCount`; `nodes` and `pageInfo` add nothing. */
function connectionCost(
  pricer: Pricer,
  field: GraphQLField<unknown, unknown>,
  fieldNodes: readonly FieldNode[],
): number {
  const type = connectionType(field);
  const size = connectionSize(field, fieldNodes, pricer.walk.variables);
  const selectionSets = subSelections(fieldNodes);

  const perNode = sumOverFields(pricer, type, selectionSets, 'nodes');
  const extras = sumOverFields(pricer, type, selectionSets, 'extras');

  return addCosts(COST_WEIGHTS.connection + extras, multiplyCost(size, perNode));
}

/** The cost of one node of a connection: the selection set under `nodes`. */
function nodeCost(pricer: Pricer, type: GraphQLObjectType, nodes: readonly FieldNode[]): number {
  const priced = fieldOf(pricer.walk.schema, type, nodes);

  return priced === undefined ? 0 : selectionCost(pricer, priced.field.type, subSelections(nodes));
}

/** What a connection's fields other than `nodes` cost, once per connection. */
function connectionExtraCost(
  pricer: Pricer,
  type: GraphQLObjectType,
  group: readonly FieldNode[],
): number {
  const role = connectionRole(group);
  const priced = fieldOf(pricer.walk.schema, type, group);

  if (role === 'nodes') {
    return 0;
  }

  if (role === 'totalCount') {
    return COST_WEIGHTS.totalCount;
  }

  if (role === 'pageInfo' && priced !== undefined) {
    return selectionCost(pricer, priced.field.type, subSelections(group));
  }

  return fieldCost(pricer, type, group);
}
