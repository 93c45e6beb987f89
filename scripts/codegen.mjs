// Regenerates the typed client from codegen.ts (schema.graphql + client/operations/) into
// client/generated/, formatted with the project's Prettier settings so the committed files are
// exactly what this script writes. `tsc -p .` must have run: the cost plugin prices operations
// with the gateway's compiled cost model (`npm run codegen` does both).
//
//   node scripts/codegen.mjs           writes client/generated/
//   node scripts/codegen.mjs --check   generates into a temporary folder and fails when the
//                                      committed files differ or an operation is too costly
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { generate, loadContext } from '@graphql-codegen/cli';
import { format, resolveConfig } from 'prettier';

const root = path.resolve(import.meta.dirname, '..');
const GENERATED_DIR = 'client/generated';

async function main() {
  const { values } = parseArgs({ options: { check: { type: 'boolean' } }, strict: true });
  // Codegen resolves the schema, documents and plugin paths from the working directory.
  process.chdir(root);

  const files = await generateFiles();

  if (values.check) {
    await checkCommitted(files);
  } else {
    await writeGenerated(files);
  }
}

/** Runs codegen in memory; resolves to the formatted files by path relative to the root. */
async function generateFiles() {
  const context = await loadContext(path.join(root, 'codegen.ts'));
  // Codegen's own progress display is noise here; its errors are reported below instead.
  context.updateConfig({ silent: true });

  let outputs;
  try {
    outputs = await generate(context, false);
  } catch (error) {
    return fail(`codegen failed:\n${messageOf(error)}`);
  }

  const files = new Map();
  for (const output of outputs) {
    const file = path.relative(root, path.resolve(root, output.filename)).split(path.sep).join('/');
    // Writing and the stale check both assume every output lives in the committed folder.
    if (!file.startsWith(`${GENERATED_DIR}/`)) {
      fail(`codegen.ts writes outside ${GENERATED_DIR}/: ${file}`);
    }
    files.set(file, await formatted(file, output.content));
  }
  return files;
}

async function formatted(file, content) {
  const options = (await resolveConfig(path.join(root, file))) ?? {};
  return format(content, { ...options, filepath: path.join(root, file) });
}

/** Writes the generated files and removes any earlier output that is no longer generated. */
async function writeGenerated(files) {
  for (const [file, content] of files) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }

  for (const file of await listFiles(path.join(root, GENERATED_DIR))) {
    if (!files.has(file)) await rm(path.join(root, file));
  }

  console.log(`codegen: wrote ${[...files.keys()].join(', ')}`);
}

/**
 * Writes the generated files into a temporary folder and compares them with the committed ones,
 * so a check never touches the working tree; every difference is named.
 */
async function checkCommitted(files) {
  const scratch = await mkdtemp(path.join(tmpdir(), 'tenantgate-codegen-'));

  try {
    for (const [file, content] of files) {
      await mkdir(path.dirname(path.join(scratch, file)), { recursive: true });
      await writeFile(path.join(scratch, file), content);
    }

    const problems = await differences(files, scratch);
    if (problems.length > 0) {
      const hint = 'run `npm run codegen` and commit client/generated/';
      fail(`codegen --check: the committed client is stale:\n  ${problems.join('\n  ')}\n${hint}`);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  console.log(
    `codegen --check: ${files.size} generated files match; every operation fits its plans`,
  );
}

/** What differs between the committed generated files and a fresh generation in `scratch`. */
async function differences(files, scratch) {
  const problems = [];

  for (const file of files.keys()) {
    const committed = await readFile(path.join(root, file), 'utf8').catch(() => null);
    const fresh = await readFile(path.join(scratch, file), 'utf8');

    if (committed === null) problems.push(`${file}: missing (not committed)`);
    else if (committed !== fresh)
      problems.push(`${file}: differs ${firstDifference(committed, fresh)}`);
  }

  for (const file of await listFiles(path.join(root, GENERATED_DIR))) {
    if (!files.has(file)) problems.push(`${file}: committed but no longer generated`);
  }

  return problems;
}

/** Where two texts first differ, as a line number and both versions of that line. */
function firstDifference(committed, fresh) {
  const left = committed.split('\n');
  const right = fresh.split('\n');
  const line = left.findIndex((text, index) => text !== right[index]);
  const at = line === -1 ? left.length : line;

  return `at line ${at + 1}: committed ${excerpt(left[at])}, generated ${excerpt(right[at])}`;
}

/** A line short enough for a message; generated lines can hold a whole document. */
function excerpt(line = '') {
  const text = JSON.stringify(line.trim());
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** The files under a folder, as paths relative to the root; none when it does not exist. */
async function listFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);

  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    );
}

/** Codegen validates the documents once per output, so the same fault can come back twice. */
function messageOf(error) {
  const inner = error instanceof AggregateError ? error.errors : [error];
  const messages = new Set(inner.map((entry) => `  ${entry?.message ?? String(entry)}`.trimEnd()));
  return [...messages].join('\n');
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

await main();
