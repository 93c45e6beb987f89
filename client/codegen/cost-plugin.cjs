'use strict';
/**
 * A GraphQL Code Generator plugin of tenantgate: prices every operation under client/operations
 * with the gateway's own `requestedCost` (dist/src/quota/cost.js, so `tsc` must have run) and
 * emits `operationCosts`: the stamped cost, the variables it assumed, the plans the operation's
 * `# plans:` line names and the built-in plans whose `maxQueryCost` it fits. An operation that
 * exceeds a plan it names fails the generation, naming the file, the operation and the plan.
 *
 * CommonJS because codegen loads plugins by module path and reads a `plugin` export from them;
 * the gateway's ESM modules are loaded with import(), which CommonJS may call.
 */
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Kind, TypeInfo, valueFromAST, typeFromAST, visit, visitWithTypeInfo } = require('graphql');

const ROOT = path.resolve(__dirname, '../..');
const COST_MODULE = path.join(ROOT, 'dist/src/quota/cost.js');
const PLANS_MODULE = path.join(ROOT, 'dist/src/quota/plans.js');

/** A leading comment such as `# plans: FREE TEAM` or `# variables: {"first": 50}`. */
const HEADER_LINE = /^#\s*(plans|variables)\s*:\s*(.*)$/;

/** Codegen's entry point: the text of client/generated/costs.ts. */
async function plugin(schema, documents) {
  const { requestedCost, plans } = await loadGateway();
  const fragments = fragmentDefinitions(documents);
  const entries = [];
  const faults = [];

  for (const file of documents) {
    for (const operation of operationsOf(file)) {
      const entry = stampOperation(schema, file, operation, fragments, { requestedCost, plans });
      faults.push(...entry.faults);
      entries.push(entry);
    }
  }

  if (faults.length > 0) {
    throw new Error(`operation costs:\n  ${faults.join('\n  ')}`);
  }

  return renderCosts(entries.sort((a, b) => a.name.localeCompare(b.name)));
}

/** The gateway's cost function and plan table, as compiled by `tsc -p .`. */
async function loadGateway() {
  try {
    const cost = await import(pathToFileURL(COST_MODULE).href);
    const plans = await import(pathToFileURL(PLANS_MODULE).href);

    return { requestedCost: cost.requestedCost, plans: plans.BUILT_IN_PLANS };
  } catch (error) {
    const hint = 'run `npx tsc -p .` first (`npm run codegen` does)';
    throw new Error(`cannot load the gateway's cost model from dist/ (${error.message}); ${hint}`);
  }
}

/** Every fragment of every document, by name, so an operation may spread one from another file. */
function fragmentDefinitions(documents) {
  const fragments = new Map();

  for (const file of documents) {
    for (const definition of file.document?.definitions ?? []) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        fragments.set(definition.name.value, definition);
      }
    }
  }

  return fragments;
}

function operationsOf(file) {
  return (file.document?.definitions ?? []).filter(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION,
  );
}

/** Prices one operation and checks it against the plans its file names. */
function stampOperation(schema, file, operation, fragments, gateway) {
  const where = relativePath(file.location);
  const name = operation.name?.value;

  if (!name) {
    return { name: '', faults: [`${where}: every operation needs a name to be stamped`] };
  }

  const header = readHeader(file.location, where);

  if (header.fault) {
    return { name, faults: [header.fault] };
  }

  // The gateway prices the document as sent: this operation plus the fragments it spreads.
  const document = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments.values()] };
  const variables = assumedVariables(schema, document, operation, header.variables);
  const requestedCost = gateway.requestedCost(schema, document, name, variables);
  const fits = fittingPlans(gateway.plans, requestedCost);
  const faults = header.plans
    .filter((plan) => !fits[plan])
    .map((plan) => overBudget(where, name, requestedCost, plan, gateway.plans));

  return { name, file: where, requestedCost, variables, plans: header.plans, fits, faults };
}

function overBudget(where, name, cost, plan, plans) {
  const limits = plans[plan];

  if (limits === undefined) {
    const known = Object.keys(plans).join(', ');
    return `${where}: "# plans:" names ${plan}, which is not a plan (plans are ${known})`;
  }

  const max = limits.maxQueryCost;
  return `${where}: ${name} requests ${cost} points, above plan ${plan}'s maxQueryCost of ${max}`;
}

/**
 * The file's leading comments: `# plans:` first, naming plans, then optionally `# variables:`
 * with the JSON the stamp assumes. They are read from the file because parsing drops comments.
 */
function readHeader(location, where) {
  const lines = readFileSync(location, 'utf8').split(/\r?\n/);
  const comments = [];

  for (const line of lines) {
    if (!line.trim().startsWith('#')) break;
    comments.push(line.trim());
  }

  const found = Object.fromEntries(
    comments
      .map((line) => HEADER_LINE.exec(line))
      .filter(Boolean)
      .map((match) => [match[1], match[2]]),
  );

  if (!/^#\s*plans\s*:/.test(comments[0] ?? '')) {
    return { fault: `${where}: the first line must name its plans, e.g. "# plans: FREE TEAM"` };
  }

  const plans = found.plans.split(/[\s,]+/).filter(Boolean);

  if (plans.length === 0) {
    return { fault: `${where}: "# plans:" names no plan` };
  }

  return parseVariables(found.variables, where, plans);
}

function parseVariables(text, where, plans) {
  if (text === undefined) {
    return { plans, variables: {} };
  }

  try {
    const variables = JSON.parse(text);

    if (variables !== null && typeof variables === 'object' && !Array.isArray(variables)) {
      return { plans, variables };
    }
  } catch {
    // reported below, like any other value that is not a JSON object
  }

  return { fault: `${where}: "# variables:" must be a JSON object, not ${text}` };
}

/**
 * The variables the stamp is computed with: the operation's defaults, then for a `first` bound
 * to a variable without default the schema's default of that argument (what the gateway uses
 * when the variable is left out), then what the file's `# variables:` line states.
 */
function assumedVariables(schema, document, operation, stated) {
  const variables = {};
  const withoutDefault = new Set();

  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;

    if (definition.defaultValue === undefined) {
      withoutDefault.add(name);
      continue;
    }

    const type = typeFromAST(schema, definition.type);
    variables[name] = type && valueFromAST(definition.defaultValue, type);
  }

  for (const [name, value] of firstArgumentDefaults(schema, document)) {
    if (withoutDefault.has(name) && value !== undefined) variables[name] = value;
  }

  return { ...variables, ...stated };
}

/** For each variable passed as a `first` argument, that argument's schema default. */
function firstArgumentDefaults(schema, document) {
  const typeInfo = new TypeInfo(schema);
  const defaults = new Map();

  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const argument = typeInfo.getArgument();

        if (node.name.value === 'first' && node.value.kind === Kind.VARIABLE && argument) {
          defaults.set(node.value.name.value, argument.defaultValue);
        }
      },
    }),
  );

  return defaults;
}

/** Every built-in plan, and whether an operation of this cost stays within its maxQueryCost. */
function fittingPlans(plans, cost) {
  return Object.fromEntries(
    Object.entries(plans).map(([plan, limits]) => [plan, cost <= limits.maxQueryCost]),
  );
}

function relativePath(location) {
  return path
    .relative(ROOT, location ?? '(unknown file)')
    .split(path.sep)
    .join('/');
}

/** The generated module; JSON keeps the values exact and the wrapper's Prettier lays them out. */
function renderCosts(entries) {
  const body = entries
    .map(({ name, file, requestedCost, variables, plans, fits }) => {
      const fields = [
        `requestedCost: ${requestedCost}`,
        `variables: ${JSON.stringify(variables)}`,
        `plans: ${JSON.stringify(plans)}`,
        `fits: ${JSON.stringify(fits)}`,
        `file: ${JSON.stringify(file)}`,
      ];

      return `  ${name}: { ${fields.join(', ')} },`;
    })
    .join('\n');

  return [
    '/* Generated by client/codegen/cost-plugin.cjs from client/operations; do not edit. */',
    '',
    '/**',
    " * Each operation's requested cost under the gateway's cost model, with the variables it",
    " * assumed, the plans its file names and whether it fits each built-in plan's maxQueryCost.",
    ' */',
    `export const operationCosts = {\n${body}\n} as const;`,
    '',
    '/** The name of an operation in client/operations. */',
    'export type OperationName = keyof typeof operationCosts;',
    '',
  ].join('\n');
}

module.exports = { plugin };
