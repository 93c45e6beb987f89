import { writeFileSync } from 'node:fs';

import { printSchema } from 'graphql';

import { buildGatewaySchema } from './build-schema.js';

/** The SDL of the gateway's schema, as committed in schema.graphql. */
export async function printGatewaySchema(): Promise<string> {
  return `${printSchema(await buildGatewaySchema())}\n`;
}

// `node dist/src/schema/emit-schema.js [file]` writes the SDL (to stdout without a file).
if (process.argv[1]?.endsWith('emit-schema.js')) {
  const sdl = await printGatewaySchema();
  const target = process.argv[2];
  if (target) writeFileSync(target, sdl);
  else process.stdout.write(sdl);
}
