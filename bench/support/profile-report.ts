import { selfTimeByArea, selfTimeByFunction, type ProfileWindow } from './cpu-profile.js';
import { markdownTable } from './markdown.js';
import { formatNumber } from './stats.js';

/** Renders a profile's top self-time functions and its time per area as Markdown tables. */
export function profileTables(file: string, window: ProfileWindow, top = 15): string {
  const { functions, idleMs, totalMs } = selfTimeByFunction(file, window);
  const busyMs = totalMs - idleMs;
  const share = (ms: number) => `${formatNumber((100 * ms) / Math.max(busyMs, 1e-9), 1)} %`;

  const functionRows = functions
    .slice(0, top)
    .map((entry, index) => [
      String(index + 1),
      entry.functionName,
      entry.location,
      formatNumber(entry.selfMs, 0),
      share(entry.selfMs),
    ]);
  const areaRows = selfTimeByArea(functions)
    .slice(0, 10)
    .map((entry) => [entry.area, formatNumber(entry.selfMs, 0), share(entry.selfMs)]);

  return [
    `Profile window: ${formatNumber(window.toMs - window.fromMs, 0)} ms; busy ${formatNumber(busyMs, 0)} ms, idle ${formatNumber(idleMs, 0)} ms (${formatNumber((100 * busyMs) / Math.max(totalMs, 1e-9), 1)} % busy). Shares are of busy time.`,
    '',
    markdownTable(['#', 'function', 'where', 'self ms', 'share'], functionRows, [
      'right',
      'left',
      'left',
      'right',
      'right',
    ]),
    '',
    'Self time by area:',
    '',
    markdownTable(['area', 'self ms', 'share'], areaRows),
  ].join('\n');
}
