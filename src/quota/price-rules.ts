import { getArgumentValues, getNamedType, isLeafType, isObjectType } from 'graphql';
import type { FieldNode, GraphQLField, GraphQLObjectType, GraphQLSchema } from 'graphql';

import { fieldDefinition } from './document-walk.js';

/** The fixed prices of the public cost model. */
export const COST_WEIGHTS = Object.freeze({
  object: 1,
  connection: 2,
  totalCount: 1,
  mutation: 10,
  taskReport: 100,
});

/**
 * Costs saturate here rather than overflowing: Infinity would turn `0 × Infinity` and
 * `Infinity − Infinity` into NaN, which compares as within every budget.
 */
export const COST_CEILING = Number.MAX_SAFE_INTEGER;

/** How the contract prices one field before looking at what it selects. */
export type FieldPrice =
  | { readonly kind: 'flat'; readonly cost: number }
  | { readonly kind: 'object'; readonly base: number }
  | { readonly kind: 'connection' };

/** What a field of a connection type contributes to the connection's price. */
export type ConnectionRole = 'nodes' | 'totalCount' | 'pageInfo' | 'other';

/** A field definition together with the object type it was selected on. */
export interface PricedField {
  readonly parentType: GraphQLObjectType;
  readonly field: GraphQLField<unknown, unknown>;
}

const FREE: FieldPrice = { kind: 'flat', cost: 0 };
const TASK_REPORT: FieldPrice = { kind: 'flat', cost: COST_WEIGHTS.taskReport };
const OBJECT: FieldPrice = { kind: 'object', base: COST_WEIGHTS.object };
const MUTATION: FieldPrice = { kind: 'object', base: COST_WEIGHTS.mutation };
const CONNECTION: FieldPrice = { kind: 'connection' };

/** The contract's rule for a field, by where it sits and what it returns. */
export function fieldPrice(schema: GraphQLSchema, { parentType, field }: PricedField): FieldPrice {
  if (parentType === schema.getMutationType()) {
    return MUTATION;
  }

  if (parentType === schema.getQueryType() && field.name === 'taskReport') {
    return TASK_REPORT;
  }

  if (parentType === schema.getQueryType() && field.name === 'quota') {
    return FREE;
  }

  if (isLeafType(getNamedType(field.type))) {
    return FREE;
  }

  return isConnection(field) ? CONNECTION : OBJECT;
}

/** The field a merged group selects; `__typename` and unknown names have none and cost 0. */
export function fieldOf(
  schema: GraphQLSchema,
  parentType: GraphQLObjectType,
  fieldNodes: readonly FieldNode[],
): PricedField | undefined {
  const name = fieldNodes[0]?.name.value;
  const field = name === undefined ? undefined : fieldDefinition(schema, parentType, name);

  return field === undefined ? undefined : { parentType, field };
}

/** The object type of a connection field, whose fields are priced by their role. */
export function connectionType(field: GraphQLField<unknown, unknown>): GraphQLObjectType {
  return getNamedType(field.type) as GraphQLObjectType;
}

/** The `n` of a connection: its `first` argument or default; negative or non-numeric is 0. */
export function connectionSize(
  field: GraphQLField<unknown, unknown>,
  fieldNodes: readonly FieldNode[],
  variables: Record<string, unknown>,
): number {
  const fieldNode = fieldNodes[0];
  const first = fieldNode && firstArgument(field, fieldNode, variables);

  if (typeof first !== 'number' || !Number.isFinite(first) || first <= 0) {
    return 0;
  }

  return Math.floor(first);
}

/** Which part of a connection a merged group of its fields is. */
export function connectionRole(fieldNodes: readonly FieldNode[]): ConnectionRole {
  const name = fieldNodes[0]?.name.value;

  if (name === 'nodes' || name === 'totalCount' || name === 'pageInfo') {
    return name;
  }

  return 'other';
}

/** Adds costs without ever leaving the range where integer arithmetic is exact. */
export function addCosts(left: number, right: number): number {
  return Math.min(left + right, COST_CEILING);
}

/** Multiplies a node cost by a page size, saturating like `addCosts`. */
export function multiplyCost(size: number, cost: number): number {
  return size === 0 ? 0 : Math.min(size * cost, COST_CEILING);
}

/** A connection is an object type named `…Connection` reached through a field with `first`. */
function isConnection(field: GraphQLField<unknown, unknown>): boolean {
  const named = getNamedType(field.type);

  if (!isObjectType(named) || !named.name.endsWith('Connection')) {
    return false;
  }

  return field.args.some((argument) => argument.name === 'first');
}

/** Each connection field seen as if `first` were its only argument, built once. */
const firstOnly = new WeakMap<GraphQLField<unknown, unknown>, GraphQLField<unknown, unknown>>();

/** Reads only `first`, so that an invalid sibling argument cannot hide it. */
function firstArgument(
  field: GraphQLField<unknown, unknown>,
  fieldNode: FieldNode,
  variables: Record<string, unknown>,
): unknown {
  try {
    return getArgumentValues(withFirstOnly(field), fieldNode, variables)['first'];
  } catch {
    return undefined;
  }
}

function withFirstOnly(field: GraphQLField<unknown, unknown>): GraphQLField<unknown, unknown> {
  const known = firstOnly.get(field);

  if (known !== undefined) {
    return known;
  }

  const narrowed = { ...field, args: field.args.filter((argument) => argument.name === 'first') };
  firstOnly.set(field, narrowed);

  return narrowed;
}
