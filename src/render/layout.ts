/** How a column may be narrowed when the terminal is too small for it. */
export interface ColumnSpec {
  header: string;
  align?: 'left' | 'right';
  /** Narrowest width worth wrapping to; columns without one are never narrowed. */
  minWidth?: number;
  /** Lower numbers give up width first. */
  shrinkOrder?: number;
}

/** A cell's plain text, and how to colour each of its lines once wrapped. */
export type Cell = string | { text: string; style: (line: string) => string };

/**
 * Draws a table in Keras 3's (rich's) style, heavy header and light body,
 * that fits `width` columns: cells are wrapped at the break points of their
 * text before any word is cut, so a narrow terminal gets taller rows, never
 * rows broken into garbage. Widths are counted on plain text; colour is
 * applied to each wrapped line afterwards.
 */
export function drawTable(
  columns: ColumnSpec[],
  rows: Cell[][],
  options: { width: number; header: (text: string) => string },
): string {
  const widths = fitWidths(columns, rows.map((row) => row.map(cellText)), options.width);
  const rule = (left: string, fill: string, join: string, right: string) =>
    left + widths.map((w) => fill.repeat(w + 2)).join(join) + right;
  const line = (cells: string[], styles: ((text: string) => string)[], bar: string) =>
    bar + cells.map((text, i) => ` ${pad(text, styles[i](text), widths[i], columns[i].align)} `).join(bar) + bar;

  const headers = columns.map((c, i) => wrapCell(c.header, widths[i]).split('\n'));
  const headerHeight = Math.max(...headers.map((lines) => lines.length));
  const out = [rule('┏', '━', '┳', '┓')];
  for (let k = 0; k < headerHeight; k++) {
    out.push(line(headers.map((lines) => lines[k] ?? ''), columns.map(() => options.header), '┃'));
  }
  out.push(rule('┡', '━', '╇', '┩'));
  rows.forEach((row, r) => {
    if (r > 0) out.push(rule('├', '─', '┼', '┤'));
    const wrapped = row.map((cell, i) => wrapCell(cellText(cell), widths[i]).split('\n'));
    const styles = row.map((cell) => (typeof cell === 'string' ? identity : cell.style));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    for (let k = 0; k < height; k++) {
      out.push(line(wrapped.map((lines) => lines[k] ?? ''), styles.map((style, i) => (wrapped[i][k] ? style : identity)), '│'));
    }
  });
  out.push(rule('└', '─', '┴', '┘'));
  return out.join('\n');
}

const identity = (text: string) => text;

/** Pads the styled text by the width of its plain text, so colour codes take no room. */
function pad(plain: string, styled: string, width: number, align: 'left' | 'right' = 'left'): string {
  const space = ' '.repeat(Math.max(0, width - [...plain].length));
  return align === 'right' ? space + styled : styled + space;
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
  // First down to each column's preferred minimum; only if that is not enough,
  // down to its heading's width, and last to its heading's longest word.
  const longestWord = (c: ColumnSpec) => Math.max(...c.header.split(' ').map((word) => word.length));
  const floors = [(c: ColumnSpec) => Math.max(c.minWidth as number, c.header.length), (c: ColumnSpec) => c.header.length, longestWord];
  for (const floorOf of floors) {
    for (const { column, i } of order) {
      if (excess <= 0) break;
      const give = Math.min(excess, Math.max(0, widths[i] - floorOf(column)));
      widths[i] -= give;
      excess -= give;
    }
  }
  return widths;
}

/** Wraps each line of plain text to `width`, preferring to break after ", ", before " (", then after "_". */
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
  // Look one past the width: a space there is dropped by the wrap.
  const window = text.slice(0, width + 1);
  const fits = (cut: number) => cut > 1 && text.slice(0, cut).trimEnd().length <= width;
  const atSpaces = [window.lastIndexOf(', ') + 2, window.lastIndexOf(' (') + 1, window.lastIndexOf(' ') + 1].filter(fits);
  if (atSpaces.length > 0) return Math.max(...atSpaces);
  const afterUnderscore = window.lastIndexOf('_') + 1;
  return fits(afterUnderscore) ? afterUnderscore : width;
}


function maxLineWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map((line) => [...line].length));
}

/** A run of prose in one style. */
export type Segment = [text: string, style?: (text: string) => string];

/**
 * Wraps prose made of differently coloured runs to `width`, breaking at
 * spaces; continuation lines are indented by `indent`. Each word keeps the
 * colour of its run, so wrapping never splits a colour code.
 */
export function wrapSegments(segments: Segment[], width: number, indent = ''): string {
  const words = segments.flatMap(([text, style]) =>
    text.split(/(?<= )/).filter(Boolean).map((word) => ({ word, style: style ?? identity })),
  );
  const lines: string[] = [];
  let line = '';
  let plainLength = 0;
  for (const { word, style } of words) {
    const bare = word.trimEnd();
    if (plainLength > indent.length && plainLength + bare.length > width) {
      lines.push(line.trimEnd());
      line = indent;
      plainLength = indent.length;
    }
    line += style(bare) + word.slice(bare.length);
    plainLength += word.length;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}
