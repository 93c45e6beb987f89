import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getDirectiveValues,
  getVariableValues,
  isAbstractType,
  typeFromAST,
} from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  FragmentSpreadNode,
  GraphQLField,
  GraphQLObjectType,
  GraphQLSchema,
  InlineFragmentNode,
  NamedTypeNode,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';

/** Fields of one selection grouped by response key, as graphql-js execution groups them. */
export type CollectedFields = ReadonlyMap<string, readonly FieldNode[]>;

/**
 * A selection split into the fields written in it (inline fragments included) and the
 * selection sets of the fragments it spreads, so that a fragment is merged and priced once.
 */
export interface SelectionParts {
  readonly written: CollectedFields;
  readonly spread: readonly SelectionSetNode[];
}

/** Everything one walk over one operation needs, including its memos. */
export interface WalkContext {
  readonly schema: GraphQLSchema;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Record<string, unknown>;
  readonly partsOfLists: Map<string, SelectionParts>;
  readonly partsOfSets: Map<SelectionSetNode, Map<string, SelectionParts>>;
  readonly collected: Map<SelectionParts, CollectedFields>;
  readonly selectionIds: Map<SelectionSetNode, number>;
}

const NO_FIELDS: CollectedFields = new Map();

/** Picks the operation graphql-js would execute: the named one, or the only one when unnamed. */
export function selectOperation(
  document: DocumentNode,
  operationName: string | undefined | null,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );

  if (operationName == null) {
    return operations.length === 1 ? operations[0] : undefined;
  }

  return operations.find((operation) => operation.name?.value === operationName);
}

/** Indexes a document's fragment definitions by name (the first wins, as in graphql-js). */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();

  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) {
      fragments.set(definition.name.value, definition);
    }
  }

  return fragments;
}

/** Prepares a walk over one operation with its variables coerced as execution would coerce them. */
export function createWalkContext(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): WalkContext {
  return {
    schema,
    fragments: fragmentsOf(document),
    variables: coerceVariables(schema, operation, variables ?? {}),
    partsOfLists: new Map(),
    partsOfSets: new Map(),
    collected: new Map(),
    selectionIds: new Map(),
  };
}

/**
 * Execution refuses invalid variables, so pricing them exactly does not matter; the raw values
 * keep the walk total (an unreadable `first` then counts as 0, an unreadable condition as kept).
 */
function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], variables);

  return result.coerced ?? variables;
}

/**
 * Merges the fields of several selection sets on one object type, memoised per distinct input.
 * Merging is a union (graphql-js expands a fragment once per collection), so the written fields
 * can be laid over the already merged fields of the spread fragments.
 */
export function collectFields(
  context: WalkContext,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
): CollectedFields {
  const parts = selectionParts(context, type, selectionSets);
  const known = context.collected.get(parts);

  if (known !== undefined) {
    return known;
  }

  // Seeded so that a fragment cycle, which validation rejects, ends instead of recursing.
  context.collected.set(parts, NO_FIELDS);
  const fromSpreads = spreadFields(context, type, parts);
  const fields = mergeFields(parts.written, fromSpreads);
  context.collected.set(parts, fields);

  return fields;
}

/** The merged fields of the fragments a selection spreads (none when it spreads none). */
export function spreadFields(
  context: WalkContext,
  type: GraphQLObjectType,
  parts: SelectionParts,
): CollectedFields {
  return parts.spread.length === 0 ? NO_FIELDS : collectFields(context, type, parts.spread);
}

/**
 * Splits selection sets on one object type into written fields and spread fragments. The result
 * is memoised and the same object is returned each time, so callers memoise on its identity.
 */
export function selectionParts(
  context: WalkContext,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
): SelectionParts {
  const only = selectionSets.length === 1 ? selectionSets[0] : undefined;

  // Most lookups are of one selection set, which needs no key to be built.
  const memo = only === undefined ? context.partsOfLists : partsOfSet(context, only);
  const key = only === undefined ? selectionKey(context, type, selectionSets) : type.name;
  const known = memo.get(key);

  if (known !== undefined) {
    return known;
  }

  const gathering: Gathering = {
    written: new Map(),
    spread: [],
    listed: new Set(selectionSets),
    visitedFragments: new Set(),
  };

  for (const selectionSet of selectionSets) {
    gather(context, type, selectionSet, gathering);
  }

  const parts = { written: gathering.written, spread: gathering.spread };
  memo.set(key, parts);

  return parts;
}

/** The selection sets beneath a group of merged fields, in order. */
export function subSelections(fieldNodes: readonly FieldNode[]): SelectionSetNode[] {
  const selectionSets: SelectionSetNode[] = [];

  for (const fieldNode of fieldNodes) {
    if (fieldNode.selectionSet !== undefined) {
      selectionSets.push(fieldNode.selectionSet);
    }
  }

  return selectionSets;
}

/** The definition of a field on an object type, including the introspection root fields. */
export function fieldDefinition(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (type === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) {
      return SchemaMetaFieldDef;
    }

    if (name === TypeMetaFieldDef.name) {
      return TypeMetaFieldDef;
    }
  }

  return type.getFields()[name];
}

interface Gathering {
  readonly written: Map<string, FieldNode[]>;
  readonly spread: SelectionSetNode[];
  readonly listed: ReadonlySet<SelectionSetNode>;
  readonly visitedFragments: Set<string>;
}

function partsOfSet(
  context: WalkContext,
  selectionSet: SelectionSetNode,
): Map<string, SelectionParts> {
  const known = context.partsOfSets.get(selectionSet);

  if (known !== undefined) {
    return known;
  }

  const byType = new Map<string, SelectionParts>();
  context.partsOfSets.set(selectionSet, byType);

  return byType;
}

/** Order and repeats of the selection sets do not change a union, so the key ignores both. */
function selectionKey(
  context: WalkContext,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
): string {
  const ids = new Set(selectionSets.map((selectionSet) => selectionId(context, selectionSet)));

  return `${type.name}:${[...ids].sort((a, b) => a - b).join(',')}`;
}

function selectionId(context: WalkContext, selectionSet: SelectionSetNode): number {
  const known = context.selectionIds.get(selectionSet);

  if (known !== undefined) {
    return known;
  }

  const id = context.selectionIds.size;
  context.selectionIds.set(selectionSet, id);

  return id;
}

function gather(
  context: WalkContext,
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  gathering: Gathering,
): void {
  for (const selection of selectionSet.selections) {
    if (!isIncluded(context, selection)) {
      continue;
    }

    if (selection.kind === Kind.FIELD) {
      addField(gathering.written, selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (conditionMatches(context.schema, selection.typeCondition, type)) {
        gather(context, type, selection.selectionSet, gathering);
      }
    } else {
      gatherSpread(context, type, selection, gathering);
    }
  }
}

/** A fragment counts once per collection, and not at all when its fields are already listed. */
function gatherSpread(
  context: WalkContext,
  type: GraphQLObjectType,
  spread: FragmentSpreadNode,
  gathering: Gathering,
): void {
  const name = spread.name.value;

  if (gathering.visitedFragments.has(name)) {
    return;
  }

  gathering.visitedFragments.add(name);
  const fragment = context.fragments.get(name);

  if (fragment === undefined || gathering.listed.has(fragment.selectionSet)) {
    return;
  }

  if (conditionMatches(context.schema, fragment.typeCondition, type)) {
    gathering.spread.push(fragment.selectionSet);
  }
}

function addField(fields: Map<string, FieldNode[]>, field: FieldNode): void {
  const responseKey = field.alias?.value ?? field.name.value;
  const group = fields.get(responseKey);

  if (group === undefined) {
    fields.set(responseKey, [field]);
  } else {
    group.push(field);
  }
}

/** Lays written fields over merged ones without touching either memoised map. */
function mergeFields(written: CollectedFields, fromSpreads: CollectedFields): CollectedFields {
  if (fromSpreads.size === 0) {
    return written;
  }

  if (written.size === 0) {
    return fromSpreads;
  }

  const merged = new Map(fromSpreads);

  for (const [responseKey, fieldNodes] of written) {
    const spreadNodes = fromSpreads.get(responseKey) ?? [];
    merged.set(responseKey, [...fieldNodes, ...spreadNodes]);
  }

  return merged;
}

/** An unreadable condition keeps the selection: over-pricing is the safe side of an error. */
function isIncluded(
  context: WalkContext,
  node: FieldNode | FragmentSpreadNode | InlineFragmentNode,
): boolean {
  try {
    const skip = getDirectiveValues(GraphQLSkipDirective, node, context.variables);

    if (skip?.['if'] === true) {
      return false;
    }

    const include = getDirectiveValues(GraphQLIncludeDirective, node, context.variables);

    return include?.['if'] !== false;
  } catch {
    return true;
  }
}

function conditionMatches(
  schema: GraphQLSchema,
  condition: NamedTypeNode | undefined,
  type: GraphQLObjectType,
): boolean {
  if (condition === undefined) {
    return true;
  }

  const conditionType = typeFromAST(schema, condition);

  if (conditionType === type) {
    return true;
  }

  return isAbstractType(conditionType) && schema.isSubType(conditionType, type);
}
