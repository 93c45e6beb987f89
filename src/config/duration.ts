const UNIT_MS: Readonly<Record<string, number>> = Object.freeze({
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
});

/** Parses a duration such as `30m`, `900s`, `1h` or a bare number of seconds into milliseconds. */
export function parseDurationMs(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return null;

  const amount = Number(match[1]);
  const unitMs = UNIT_MS[match[2] ?? 's'];
  const durationMs = Math.round(amount * unitMs);
  return durationMs > 0 ? durationMs : null;
}
