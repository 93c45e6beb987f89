import { getNamedType, isAbstractType, isListType, isNonNullType, isObjectType } from 'graphql';
import type {
  FieldNode,
  GraphQLField,
  GraphQLObjectType,
  GraphQLOutputType,
  SelectionSetNode,
} from 'graphql';

import { collectFields, subSelections } from './document-walk.js';
import type { WalkContext } from './document-walk.js';
import {
  COST_WEIGHTS,
  addCosts,
  connectionRole,
  connectionSize,
  connectionType,
  fieldOf,
  fieldPrice,
} from './price-rules.js';

/**
 * Applies the cost model to a returned object: a null field charges its base and nothing
 * beneath, and a connection charges each node it actually returned.
 */
export function returnedCost(
  walk: WalkContext,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  value: unknown,
): number {
  if (!isRecord(value)) {
    return 0;
  }

  let cost = 0;

  for (const [responseKey, fieldNodes] of collectFields(walk, type, selectionSets)) {
    cost = addCosts(cost, returnedFieldCost(walk, type, fieldNodes, value[responseKey]));
  }

  return cost;
}

function returnedFieldCost(
  walk: WalkContext,
  parentType: GraphQLObjectType,
  fieldNodes: readonly FieldNode[],
  value: unknown,
): number {
  const priced = fieldOf(walk.schema, parentType, fieldNodes);

  if (priced === undefined) {
    return 0;
  }

  const price = fieldPrice(walk.schema, priced);

  if (price.kind === 'flat') {
    return price.cost;
  }

  if (price.kind === 'object') {
    const type = priced.field.type;
    const beneath = returnedSelectionCost(walk, type, subSelections(fieldNodes), value);

    return addCosts(price.base, beneath);
  }

  const extras = returnedConnectionExtras(walk, priced.field, fieldNodes, value);

  return addCosts(COST_WEIGHTS.connection, extras);
}

/** Walks a returned value of any output type; a plain list costs its dearest item. */
function returnedSelectionCost(
  walk: WalkContext,
  type: GraphQLOutputType,
  selectionSets: readonly SelectionSetNode[],
  value: unknown,
): number {
  const nullable = isNonNullType(type) ? type.ofType : type;

  if (isListType(nullable)) {
    // The request priced a plain list's selection once, not once per item.
    const items: readonly unknown[] = Array.isArray(value) ? value : [];

    return dearest(items, (item) =>
      returnedSelectionCost(walk, nullable.ofType, selectionSets, item),
    );
  }

  if (isObjectType(nullable)) {
    return returnedCost(walk, nullable, selectionSets, value);
  }

  if (!isAbstractType(nullable)) {
    return 0;
  }

  const members = walk.schema.getPossibleTypes(nullable);
  const typename = isRecord(value) ? value['__typename'] : undefined;
  const named = members.find((member) => member.name === typename);

  // Without `__typename` in the data the concrete type is unknown, so take the dearest.
  if (named === undefined) {
    return dearest(members, (member) => returnedCost(walk, member, selectionSets, value));
  }

  return returnedCost(walk, named, selectionSets, value);
}

/** What a returned connection adds to its base: `totalCount`, and each node up to `first`. */
function returnedConnectionExtras(
  walk: WalkContext,
  field: GraphQLField<unknown, unknown>,
  fieldNodes: readonly FieldNode[],
  value: unknown,
): number {
  if (!isRecord(value)) {
    return 0;
  }

  const type = connectionType(field);
  const size = connectionSize(field, fieldNodes, walk.variables);
  let cost = 0;

  for (const [responseKey, group] of collectFields(walk, type, subSelections(fieldNodes))) {
    const member = returnedMemberCost(walk, type, group, value[responseKey], size);
    cost = addCosts(cost, member);
  }

  return cost;
}

function returnedMemberCost(
  walk: WalkContext,
  type: GraphQLObjectType,
  group: readonly FieldNode[],
  value: unknown,
  size: number,
): number {
  const role = connectionRole(group);
  const priced = fieldOf(walk.schema, type, group);

  if (role === 'totalCount') {
    return COST_WEIGHTS.totalCount;
  }

  if (role === 'nodes' && priced !== undefined) {
    return returnedNodesCost(walk, priced.field, group, value, size);
  }

  if (role === 'pageInfo' && priced !== undefined) {
    return returnedSelectionCost(walk, priced.field.type, subSelections(group), value);
  }

  return returnedFieldCost(walk, type, group, value);
}

/** Each returned node is priced on its own; nodes past `first` were never paid for. */
function returnedNodesCost(
  walk: WalkContext,
  nodesField: GraphQLField<unknown, unknown>,
  group: readonly FieldNode[],
  value: unknown,
  size: number,
): number {
  const nodeType = getNamedType(nodesField.type);
  const nodes: readonly unknown[] = Array.isArray(value) ? value.slice(0, size) : [];
  const selectionSets = subSelections(group);
  let cost = 0;

  for (const node of nodes) {
    cost = addCosts(cost, returnedSelectionCost(walk, nodeType, selectionSets, node));
  }

  return cost;
}

/** The highest cost among alternatives, 0 when there are none. */
function dearest<T>(alternatives: readonly T[], costOf: (alternative: T) => number): number {
  let highest = 0;

  for (const alternative of alternatives) {
    highest = Math.max(highest, costOf(alternative));
  }

  return highest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
