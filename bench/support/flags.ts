import { parseArgs } from 'node:util';

/** One command-line flag of a bench: its default and a line of help. */
export interface FlagSpec {
  default: number | string | boolean;
  help: string;
}

/** The parsed flag values, typed after their defaults. */
export type FlagValues<TSpecs extends Record<string, FlagSpec>> = {
  [Name in keyof TSpecs]: TSpecs[Name]['default'] extends number
    ? number
    : TSpecs[Name]['default'] extends boolean
      ? boolean
      : string;
};

/**
 * Reads `--name value` flags (and `--name` for switches); `--help` prints the usage and exits.
 * A number flag given something that is not a number stops the bench before it starts anything.
 */
export function readFlags<TSpecs extends Record<string, FlagSpec>>(
  usage: string,
  specs: TSpecs,
  argv: string[] = process.argv.slice(2),
): FlagValues<TSpecs> {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      { type: typeof spec.default === 'boolean' ? ('boolean' as const) : ('string' as const) },
    ]),
  );
  const { values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean' } } });
  const given = values as Record<string, string | boolean | undefined>;
  if (given.help) {
    process.stdout.write(`${usage}\n${helpLines(specs)}\n`);
    process.exit(0);
  }

  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, valueOf(name, spec, given[name])]),
  ) as FlagValues<TSpecs>;
}

function valueOf(name: string, spec: FlagSpec, given: unknown): number | string | boolean {
  if (given === undefined) return spec.default;
  if (typeof spec.default !== 'number') return given as string | boolean;

  const value = Number(given);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`--${name} needs a number of 0 or more, not "${String(given)}"\n`);
    process.exit(2);
  }
  return value;
}

function helpLines(specs: Record<string, FlagSpec>): string {
  return Object.entries(specs)
    .map(([name, spec]) => `  --${name.padEnd(18)} ${spec.help} (default ${String(spec.default)})`)
    .join('\n');
}
