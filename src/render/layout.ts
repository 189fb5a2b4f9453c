import Table from 'cli-table3';

/** How a column may be narrowed when the terminal is too small for it. */
export interface ColumnSpec {
  header: string;
  align?: 'left' | 'right';
  /** Narrowest width worth wrapping to; columns without one are never narrowed. */
  minWidth?: number;
  /** Lower numbers give up width first. */
  shrinkOrder?: number;
}

/** Box-drawing characters in Keras 3's (rich's) style: heavy header, light body. */
const BODY_CHARS = {
  top: '━', 'top-mid': '┳', 'top-left': '┏', 'top-right': '┓',
  bottom: '─', 'bottom-mid': '┴', 'bottom-left': '└', 'bottom-right': '┘',
  left: '│', 'left-mid': '├', mid: '─', 'mid-mid': '┼',
  right: '│', 'right-mid': '┤', middle: '│',
};

/** A cell's plain text, and how to colour each of its lines once wrapped. */
export type Cell = string | { text: string; style: (line: string) => string };

/**
 * Draws a table that fits `width` columns: cells are wrapped at the break
 * points of their text (", " and " (") before any word is cut, so a narrow
 * terminal gets taller rows, never rows broken into garbage.
 */
export function drawTable(
  columns: ColumnSpec[],
  rows: Cell[][],
  options: { width: number; header: (text: string) => string },
): string {
  const plainRows = rows.map((row) => row.map(cellText));
  const widths = fitWidths(columns, plainRows, options.width);
  const table = new Table({
    head: columns.map((c) => options.header(c.header)),
    colWidths: widths.map((w) => w + 2),
    colAligns: columns.map((c) => c.align ?? 'left'),
    chars: BODY_CHARS,
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
    wordWrap: false,
  });
  for (const row of rows) {
    table.push(
      row.map((cell, i) => {
        const lines = wrapCell(cellText(cell), widths[i]).split('\n');
        return (typeof cell === "string" ? lines : lines.map((line) => cell.style(line))).join('\n');
      }),
    );
  }
  return heavyHeader(table.toString());
}

function cellText(cell: Cell): string {
  return typeof cell === 'string' ? cell : cell.text;
}

/** Widths of cell text (no padding) so that the table fits in `total` columns. */
export function fitWidths(columns: ColumnSpec[], rows: string[][], total: number): number[] {
  const natural = columns.map((column, i) =>
    Math.max(column.header.length, ...rows.map((row) => maxLineWidth(row[i] ?? ''))),
  );
  const widths = [...natural];
  const chrome = columns.length * 3 + 1;
  let excess = widths.reduce((a, b) => a + b, 0) + chrome - total;
  const order = columns
    .map((column, i) => ({ column, i }))
    .filter(({ column }) => column.minWidth !== undefined)
    .sort((a, b) => (a.column.shrinkOrder ?? 0) - (b.column.shrinkOrder ?? 0));
  for (const { column, i } of order) {
    if (excess <= 0) break;
    const give = Math.min(excess, Math.max(0, widths[i] - (column.minWidth as number)));
    widths[i] -= give;
    excess -= give;
  }
  return widths;
}

/** Wraps each line of plain text to `width`, preferring to break after ", " or before " (". */
export function wrapCell(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width))
    .join('\n');
}

function wrapLine(line: string, width: number): string[] {
  const lines: string[] = [];
  let rest = line;
  while ([...rest].length > width) {
    const cut = breakPoint(rest, width);
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^ +/, '');
  }
  lines.push(rest);
  return lines;
}

function breakPoint(text: string, width: number): number {
  const window = text.slice(0, width + 1);
  const candidates = [window.lastIndexOf(', ') + 2, window.lastIndexOf(' (') + 1, window.lastIndexOf(' ') + 1];
  const best = Math.max(0, ...candidates.filter((c) => c > 1 && c <= width));
  return best > 0 ? best : width;
}

/** Keras 3 (rich) draws the header heavy: ┃ between headings and ┡━╇━┩ under them. */
function heavyHeader(drawn: string): string {
  const lines = drawn.split('\n');
  lines[1] = lines[1].replace(/│/g, '┃');
  lines[2] = lines[2].replace(/├/g, '┡').replace(/─/g, '━').replace(/┼/g, '╇').replace(/┤/g, '┩');
  return lines.join('\n');
}

function maxLineWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map((line) => [...line].length));
}
