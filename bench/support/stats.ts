/** Order statistics of a set of latencies, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
}

/** The nearest-rank percentile (0 < p ≤ 100) of ascending values; NaN when there are none. */
export function percentile(sortedValues: readonly number[], p: number): number {
  if (sortedValues.length === 0) return Number.NaN;

  const rank = Math.ceil((p / 100) * sortedValues.length);
  return sortedValues[Math.min(sortedValues.length, Math.max(1, rank)) - 1];
}

/** Summarises latencies, which need not be sorted. */
export function summarise(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);

  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean: sorted.length > 0 ? total / sorted.length : Number.NaN,
    max: sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN,
  };
}

/** A number for a table: fixed decimals, or `n/a` when it is not a number. */
export function formatNumber(value: number, decimals = 2): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : 'n/a';
}

/**
 * A 95 % bootstrap interval of median(a) − median(b): both samples are redrawn with replacement
 * many times. An interval that holds 0 means the data cannot tell the two medians apart.
 */
export function medianDifferenceInterval(
  a: readonly number[],
  b: readonly number[],
  resamples = 2_000,
): { low: number; high: number } {
  const differences: number[] = [];
  for (let draw = 0; draw < resamples; draw++) {
    differences.push(resampledMedian(a) - resampledMedian(b));
  }

  differences.sort((x, y) => x - y);
  return { low: percentile(differences, 2.5), high: percentile(differences, 97.5) };
}

function resampledMedian(values: readonly number[]): number {
  const drawn = Array.from(
    { length: values.length },
    () => values[Math.floor(Math.random() * values.length)],
  );
  return percentile(
    drawn.sort((x, y) => x - y),
    50,
  );
}
