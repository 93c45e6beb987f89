import { Kind } from 'graphql';
import type {
  DirectiveNode,
  DocumentNode,
  FragmentDefinitionNode,
  OperationDefinitionNode,
  SelectionNode,
  SelectionSetNode,
} from 'graphql';

import { fragmentsOf } from './document-walk.js';

/** What the variable-free limits measure in one operation, with fragments expanded where spread. */
export interface DocumentShape {
  /** The most nested selection sets of the schema's own fields along one path. */
  readonly depth: number;
  /** The most introspection list fields nested along one path inside `__schema` or `__type`. */
  readonly introspectionListDepth: number;
  readonly aliases: number;
  readonly directives: number;
}

/** Where a selection sits: the schema's own fields, or beneath an introspection root. */
type Region = 'schema' | 'introspection';

interface Measurer {
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly memo: Map<string, DocumentShape>;
}

const INTROSPECTION_ROOTS: ReadonlySet<string> = new Set(['__schema', '__type']);

/** The introspection fields that return lists, whose nesting is what makes introspection dear. */
const INTROSPECTION_LISTS: ReadonlySet<string> = new Set([
  'types',
  'fields',
  'args',
  'inputFields',
  'interfaces',
  'possibleTypes',
  'enumValues',
  'directives',
]);

const FLAT: DocumentShape = { depth: 0, introspectionListDepth: 0, aliases: 0, directives: 0 };

/** A selection set still to walk, with the depths already reached above it. */
interface Pending {
  readonly selectionSet: SelectionSetNode;
  readonly region: Region;
  readonly depth: number;
  readonly listDepth: number;
}

/** Measures one operation of a document; each fragment is measured once per region. */
export function measureOperation(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): DocumentShape {
  const measurer: Measurer = { fragments: fragmentsOf(document), memo: new Map() };
  const selections = measureTree(measurer, operation.selectionSet, 'schema');
  let directives = countDirectives(operation.directives);

  for (const variable of operation.variableDefinitions ?? []) {
    directives = saturatingAdd(directives, countDirectives(variable.directives));
  }

  return alongside(selections, { ...FLAT, directives });
}

/**
 * Walks a selection tree with an explicit stack: a document nested as deeply as the parser
 * allows must be refused by the depth limit, not overflow the call stack here.
 */
function measureTree(measurer: Measurer, root: SelectionSetNode, region: Region): DocumentShape {
  const pending: Pending[] = [{ selectionSet: root, region, depth: 0, listDepth: 0 }];
  let shape = FLAT;

  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const selection of next.selectionSet.selections) {
      shape = alongside(shape, measureSelection(measurer, selection, next, pending));
    }
  }

  return shape;
}

/** One selection's own counts and the depths it reaches; its subtree is left on the stack. */
function measureSelection(
  measurer: Measurer,
  selection: SelectionNode,
  at: Pending,
  pending: Pending[],
): DocumentShape {
  const directives = countDirectives(selection.directives);

  if (selection.kind === Kind.INLINE_FRAGMENT) {
    pending.push({ ...at, selectionSet: selection.selectionSet });

    return { ...FLAT, directives };
  }

  if (selection.kind === Kind.FRAGMENT_SPREAD) {
    const fragment = fragmentShape(measurer, selection.name.value, at.region);

    return alongside(deeper(at, fragment), { ...FLAT, directives });
  }

  const aliases = selection.alias === undefined ? 0 : 1;

  if (selection.selectionSet === undefined) {
    return { ...FLAT, aliases, directives };
  }

  const beneath = fieldLevel(selection.name.value, selection.selectionSet, at);
  pending.push(beneath);

  return { depth: beneath.depth, introspectionListDepth: beneath.listDepth, aliases, directives };
}

/** Where a field's selection set sits: one level deeper, or inside introspection. */
function fieldLevel(name: string, selectionSet: SelectionSetNode, at: Pending): Pending {
  // Introspection nests deeply by design (type references), so it is bounded by list nesting.
  if (at.region === 'introspection') {
    const listLevel = INTROSPECTION_LISTS.has(name) ? 1 : 0;

    return { ...at, selectionSet, listDepth: at.listDepth + listLevel };
  }

  if (INTROSPECTION_ROOTS.has(name)) {
    return { selectionSet, region: 'introspection', depth: at.depth, listDepth: 0 };
  }

  return { ...at, selectionSet, depth: at.depth + 1 };
}

/** A fragment's shape as seen from where it is spread. */
function deeper(at: Pending, fragment: DocumentShape): DocumentShape {
  return {
    ...fragment,
    depth: at.depth + fragment.depth,
    introspectionListDepth: at.listDepth + fragment.introspectionListDepth,
  };
}

/** A spread counts its fragment in full, every time; the fragment is walked once per region. */
function fragmentShape(measurer: Measurer, name: string, region: Region): DocumentShape {
  const key = `${region}:${name}`;
  const known = measurer.memo.get(key);

  if (known !== undefined) {
    return known;
  }

  const fragment = measurer.fragments.get(name);

  // Seeded flat so that a fragment cycle, which validation rejects, ends instead of recursing.
  measurer.memo.set(key, FLAT);

  if (fragment === undefined) {
    return FLAT;
  }

  const own: DocumentShape = { ...FLAT, directives: countDirectives(fragment.directives) };
  const shape = alongside(own, measureTree(measurer, fragment.selectionSet, region));
  measurer.memo.set(key, shape);

  return shape;
}

/** Two shapes side by side in one selection set: depths take the larger, counts add up. */
function alongside(left: DocumentShape, right: DocumentShape): DocumentShape {
  return {
    depth: Math.max(left.depth, right.depth),
    introspectionListDepth: Math.max(left.introspectionListDepth, right.introspectionListDepth),
    aliases: saturatingAdd(left.aliases, right.aliases),
    directives: saturatingAdd(left.directives, right.directives),
  };
}

function countDirectives(directives: readonly DirectiveNode[] | undefined): number {
  return directives?.length ?? 0;
}

/** Counts multiply through nested spreads, so they saturate instead of reaching Infinity. */
function saturatingAdd(left: number, right: number): number {
  return Math.min(left + right, Number.MAX_SAFE_INTEGER);
}
