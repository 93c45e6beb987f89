/** How a column lines up: numbers read best right-aligned. */
export type Alignment = 'left' | 'right';

/** A Markdown table with padded columns, readable as text and pasteable into the README. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  alignments: readonly Alignment[] = headers.map((_, index) => (index === 0 ? 'left' : 'right')),
): string {
  const widths = headers.map((header, column) =>
    Math.max(3, header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => pad(cell, widths[column], alignments[column])).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => ruleCell(width, alignments[column])).join(' | ')} |`;

  return [line(headers), rule, ...rows.map(line)].join('\n');
}

function pad(text: string, width: number, alignment: Alignment = 'left'): string {
  return alignment === 'right' ? text.padStart(width) : text.padEnd(width);
}

function ruleCell(width: number, alignment: Alignment = 'left'): string {
  return alignment === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width);
}
