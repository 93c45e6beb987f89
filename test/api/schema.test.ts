import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
  buildSchema,
  getNamedType,
  isObjectType,
  isScalarType,
  isEnumType,
  type GraphQLField,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startGateway, type TestGateway } from '../support/gateway.js';
import { errorCodes, graphql } from '../support/graphql.js';

const root = path.resolve(import.meta.dirname, '../..');
const PUBLIC_FIELDS = new Set([
  'organizationByName',
  'createOrganization',
  'login',
  'refreshToken',
]);

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await gateway.stop();
});

const committed = readFileSync(path.join(root, 'schema.graphql'), 'utf8');
const schema = buildSchema(committed);

/** The smallest selection that makes a field valid to query. */
function selectionOf(field: GraphQLField<unknown, unknown>): string {
  const type = getNamedType(field.type);
  if (isScalarType(type) || isEnumType(type)) return '';
  if (isObjectType(type)) {
    const scalar = Object.values(type.getFields()).find((candidate) => {
      const named = getNamedType(candidate.type);
      return isScalarType(named) || isEnumType(named);
    });
    return scalar ? `{ ${scalar.name} }` : '{ __typename }';
  }
  return '{ __typename }';
}

/** Placeholder values for a field's required arguments, as variables. */
function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const required = field.args.filter(
    (arg) => String(arg.type).endsWith('!') && arg.defaultValue === undefined,
  );
  const definitions = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const uses = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  return `${kind} ${definitions ? `(${definitions})` : ''} { ${field.name}${uses ? `(${uses})` : ''} ${selectionOf(field)} }`;
}

describe('schema.graphql', () => {
  it('is what the code emits', () => {
    const emitted = execFileSync(
      process.execPath,
      [path.join(root, 'dist/src/schema/emit-schema.js')],
      { encoding: 'utf8' },
    );

    expect(emitted).toBe(committed);
  });

  it('is what the gateway serves', async () => {
    const response = await graphql(
      gateway.url,
      '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }',
    );

    const served = response.body.data.__schema;
    expect(served.queryType.fields.map((field: { name: string }) => field.name).sort()).toEqual(
      Object.keys(schema.getQueryType()!.getFields()).sort(),
    );
    expect(served.mutationType.fields.map((field: { name: string }) => field.name).sort()).toEqual(
      Object.keys(schema.getMutationType()!.getFields()).sort(),
    );
  });
});

describe('guards', () => {
  const roots = [
    ['query', schema.getQueryType()!],
    ['mutation', schema.getMutationType()!],
  ] as const;

  for (const [kind, type] of roots) {
    for (const field of Object.values(type.getFields())) {
      if (PUBLIC_FIELDS.has(field.name)) continue;

      it(`${kind} ${field.name} refuses a caller without a token`, async () => {
        const response = await graphql(
          gateway.url,
          operationFor(kind, field),
          placeholderVariables(field),
        );

        expect(errorCodes(response)).toContain('UNAUTHENTICATED');
        expect(response.body.data?.[field.name] ?? null).toBeNull();
      });
    }
  }
});

/** Values good enough to pass variable coercion, so the guard is what answers. */
function placeholderVariables(field: GraphQLField<unknown, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const arg of field.args) {
    const typeName = String(arg.type);
    if (typeName === 'ID!') values[arg.name] = '0123456789abcdef01234567';
    else if (typeName === 'String!') values[arg.name] = 'x';
    else if (typeName === 'Plan!') values[arg.name] = 'FREE';
    else if (typeName === 'IsolationTier!') values[arg.name] = 'SHARED';
    else if (typeName.startsWith('TaskReportInput')) values[arg.name] = { dimension: 'STATUS' };
    else if (typeName.endsWith('Input!'))
      values[arg.name] = inputPlaceholder(typeName.slice(0, -1));
  }
  return values;
}

function inputPlaceholder(typeName: string): Record<string, unknown> {
  const input = schema.getType(typeName);
  if (!input || !('getFields' in input)) return {};
  const values: Record<string, unknown> = {};
  for (const field of Object.values((input as any).getFields()) as any[]) {
    const name = String(field.type);
    if (!name.endsWith('!')) continue;
    values[field.name] =
      name === 'ID!'
        ? '0123456789abcdef01234567'
        : name === 'Role!'
          ? 'MEMBER'
          : name === 'TaskReportDimension!'
            ? 'STATUS'
            : 'placeholder value';
  }
  return values;
}
