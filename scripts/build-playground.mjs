// Bundles the GraphiQL playground (playground/) with esbuild into dist/playground/: the page
// template and, under assets/, hashed JS, CSS and Monaco worker bundles. Everything comes from
// node_modules, so the served page needs no CDN and works without internet.
//
//   node scripts/build-playground.mjs
import { build } from 'esbuild';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const sourceDir = path.join(root, 'playground');
const outDir = path.join(root, 'dist', 'playground');
// Built beside the old copy and swapped in at the end, so a gateway starting meanwhile still
// finds a whole playground.
const stagingDir = path.join(root, 'dist', `playground.${process.pid}.tmp`);
const assetsDir = path.join(stagingDir, 'assets');

/** Monaco's language workers; each is its own bundle so the page can start it by URL. */
const WORKERS = {
  editor: 'monaco-editor/esm/vs/editor/editor.worker.js',
  json: 'monaco-editor/esm/vs/language/json/json.worker.js',
  graphql: 'monaco-graphql/esm/graphql.worker.js',
};

/** Options every bundle shares. */
const COMMON = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  target: ['es2022'],
  outdir: assetsDir,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  metafile: true,
  logLevel: 'warning',
};

/**
 * graphiql/style.css already holds Monaco's styles; the CSS Monaco's modules import would only
 * repeat them, in chunks nothing loads.
 */
const monacoCssOnce = {
  name: 'monaco-css-once',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]monaco-editor[\\/].*\.css$/ }, () => ({
      contents: '',
      loader: 'css',
    }));
  },
};

async function main() {
  const started = performance.now();

  await rm(stagingDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });

  const workers = await buildWorkers();
  const page = await buildPage(workers);
  await writePage(page);

  await rm(outDir, { recursive: true, force: true });
  await rename(stagingDir, outDir);

  await report(performance.now() - started);
}

/** Builds the worker bundles; resolves to their file names by label. */
async function buildWorkers() {
  const result = await build({
    ...COMMON,
    entryPoints: Object.entries(WORKERS).map(([label, entry]) => ({
      in: entry,
      out: `${label}.worker`,
    })),
    format: 'iife',
  });

  const names = {};
  for (const label of Object.keys(WORKERS)) {
    names[label] = outputNamed(result.metafile, `${label}.worker-`, '.js');
  }
  return names;
}

/** Builds the page's module (split into lazily loaded chunks) and its stylesheet. */
async function buildPage(workers) {
  const result = await build({
    ...COMMON,
    entryPoints: [{ in: path.join(sourceDir, 'index.tsx'), out: 'playground' }],
    format: 'esm',
    splitting: true,
    chunkNames: 'chunk-[hash]',
    jsx: 'automatic',
    define: { ...COMMON.define, PLAYGROUND_WORKERS: JSON.stringify(workers) },
    plugins: [monacoCssOnce],
  });

  return {
    script: outputNamed(result.metafile, 'playground-', '.js'),
    stylesheet: outputNamed(result.metafile, 'playground-', '.css'),
  };
}

/** The file name of the one output whose name starts and ends as given. */
function outputNamed(metafile, prefix, suffix) {
  const names = Object.keys(metafile.outputs)
    .map((output) => path.basename(output))
    .filter((name) => name.startsWith(prefix) && name.endsWith(suffix));

  if (names.length !== 1) throw new Error(`expected one ${prefix}*${suffix}, got ${names}`);
  return names[0];
}

/** Fills the template's bundle names; the server fills in where it serves them. */
async function writePage({ script, stylesheet }) {
  const template = await readFile(path.join(sourceDir, 'index.html'), 'utf8');
  const html = template.replace('{{script}}', script).replace('{{stylesheet}}', stylesheet);

  if (/\{\{(script|stylesheet)\}\}/.test(html)) throw new Error('index.html: unfilled template');
  await writeFile(path.join(stagingDir, 'index.html'), html);
}

/** Prints every file written, its size, and the totals. */
async function report(elapsedMs) {
  const files = await listFiles(outDir);
  let total = 0;

  console.log(`playground: wrote ${path.relative(root, outDir)}/`);
  for (const file of files) {
    const { size } = await stat(file);
    total += size;
    console.log(`  ${kib(size).padStart(10)}  ${path.relative(outDir, file)}`);
  }
  console.log(
    `  ${kib(total).padStart(10)}  total, ${files.length} files, ${Math.round(elapsedMs)} ms`,
  );
}

async function listFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });

  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

await main();
