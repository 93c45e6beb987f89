import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator configuration: the typed client is generated from the committed
 * schema.graphql and the operations under client/operations/ into client/generated/. Run it
 * through `npm run codegen` (scripts/codegen.mjs), which also formats and checks the output.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['client/operations/**/*.graphql'],
  // Node resolves ESM imports only with their extension (tsconfig: NodeNext).
  importExtension: '.js',
  generates: {
    'client/generated/': {
      preset: 'client',
      // Scripts and tests read fragment fields directly; masking would hide them behind a helper.
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { DateTime: 'string', ID: 'string' },
        strictScalars: true,
        enumType: 'string-literal',
        useTypeImports: true,
      },
    },
    'client/generated/costs.ts': {
      plugins: ['./client/codegen/cost-plugin.cjs'],
    },
  },
};

// Codegen's loader takes a TypeScript config's default export as the config (a named export
// would be read as a config with a `config` key), so this is the one default export here.
export default config;
