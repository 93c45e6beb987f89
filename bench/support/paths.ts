import path from 'node:path';

/** The project root; bench code runs from `dist/bench/...`, two or three levels below it. */
export const PROJECT_ROOT = findRoot(import.meta.dirname);

/** Where bench runs keep their servers' state (git-ignored). */
export const DATA_DIR = path.join(PROJECT_ROOT, '.data');

/** Where `--cpu-prof` runs write their profiles. */
export const PROFILES_DIR = path.join(DATA_DIR, 'profiles');

/** The built gateway entry point. */
export const GATEWAY_ENTRY = path.join(PROJECT_ROOT, 'dist/src/main.js');

/** The FerretDB binary that `scripts/build-ferretdb.sh` builds. */
export const FERRETDB_BINARY = path.join(PROJECT_ROOT, '.tools/bin/ferretdb');

function findRoot(dirname: string): string {
  // Compiled files live under dist/bench/ or dist/bench/support/; the root is above `dist`.
  const parts = dirname.split(path.sep);
  const distAt = parts.lastIndexOf('dist');
  return distAt > 0 ? parts.slice(0, distAt).join(path.sep) : path.resolve(dirname, '..');
}
