/** Reads one gateway's Prometheus text and sums the samples of a metric matching every label. */
export async function metricSum(
  url: string,
  name: string,
  labels: Record<string, string | RegExp> = {},
): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    const matches = Object.entries(labels).every(([key, want]) =>
      typeof want === 'string' ? found[key] === want : want.test(found[key] ?? ''),
    );
    if (matches) sum += Number(match[4]);
  }
  return sum;
}
