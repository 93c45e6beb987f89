import { cpus, loadavg, totalmem } from 'node:os';

/**
 * Prints the bench's title and what it ran on: date, Node version, CPU model and core count,
 * memory and load average (other work on the machine shows up in the numbers).
 */
export function printMachineHeader(title: string): void {
  const processors = cpus();
  const model = processors[0]?.model.trim() ?? 'unknown CPU';
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');

  process.stdout.write(
    [
      `## ${title}`,
      '',
      `- date: ${new Date().toISOString()}`,
      `- node: ${process.version}`,
      `- cpu: ${model}, ${processors.length} cores`,
      `- memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
      `- load average at start (1/5/15 min): ${load}`,
      '',
      '',
    ].join('\n'),
  );
}

/** Writes a progress line on stderr, so stdout keeps only the report. */
export function progress(message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[${time}] ${message}\n`);
}

/** The load average now, as a Markdown list item, for the end of a report. */
export function loadAverageLine(): string {
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
  return `- load average at end (1/5/15 min): ${load}`;
}
