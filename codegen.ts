/**
 * GraphQL Code Generator configuration: the typed client is generated from the committed
 * schema.graphql and the operations under client/operations/.
 */
const config = {
  schema: 'schema.graphql',
  documents: ['client/operations/**/*.graphql'],
  generates: {},
};

export { config };
