/** How a column is drawn and how it gives way when the table is too wide. */
export interface ColumnSpec {
  header: string;
  align?: 'left' | 'right' | 'center';
  /**
   * How much worse a cut entry is here than elsewhere (default 1): counts
   * and shapes lose their meaning when cut, names keep a readable prefix.
   */
  cutCost?: number;
  /**
   * The column may leave the table rather than squeeze the others (see
   * `planTable`); the caller then shows its content elsewhere, in
   * `linesElsewhere` lines.
   */
  detachable?: { linesElsewhere: number };
}

/**
 * Cut costs for columns of numbers: a cut count or shape has lost its
 * meaning, where a cut name keeps a readable prefix, so they are cut only
 * when cutting every name would not make the table fit.
 */
export const SHAPE_CUT_COST = 1_000;
export const COUNT_CUT_COST = 1_000_000;

/**
 * A word of a cell: never split across lines. When it cannot fit it is cut
 * with "…"; `essential` is how much of it must show for the cut to be mild
 * (the layer name of a `name[0][0]` connection).
 */
export type Atom = string | { text: string; essential: number };

/** The forced line break of a cell. */
export const LINE_BREAK = '\n';

export interface StyledCell {
  /** A string wraps at its natural breaks (see `naturalAtoms`); a list gives the words themselves. */
  text: string | readonly Atom[];
  /** Colours each wrapped line; applied after the widths are counted. */
  style?: (line: string) => string;
  /** Continuation lines start this many columns in (a nested row keeps its tree indentation). */
  hang?: number;
}

export type Cell = string | StyledCell;

/** A cell measured once: every later step reads these numbers, never the text again. */
interface Measured {
  atoms: string[];
  widths: number[];
  /** Width at which a cut leaves the essential part whole (equal to the width when all of it is essential). */
  mildCut: number[];
  style: (line: string) => string;
  hang: number;
  /** Widest line with no wrapping at all. */
  natural: number;
  /** Widest word: the narrowest width that cuts nothing. */
  longest: number;
}

const identity = (text: string) => text;

/**
 * Number of terminal columns a string takes: one per code point. (Every
 * symbol the renderers print, ⧺ → ◆ ↳ └ and the box characters, is one
 * column wide; wide CJK characters in layer names would count one too few.)
 */
export function displayWidth(text: string): number {
  let surrogates = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff) surrogates++;
  }
  return text.length - surrogates;
}

/** The first `width` columns of a word that does not fit, ending in "…", as rich cuts a cell. */
export function cutToWidth(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let kept = '';
  let count = 0;
  for (const char of text) {
    if (count === width - 1) break;
    kept += char;
    count++;
  }
  return `${kept}…`;
}

/**
 * The natural breaks of free text: at spaces outside parentheses, so
 * "(None, 32, 32, 64)" and "(BatchNormalization)" stay whole, and an
 * operator ("→", "+", "⧺") is kept with the word after it, so a line
 * breaks before "→", never after it.
 */
export function naturalAtoms(text: string): string[] {
  const atoms: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (index > 0) atoms.push(LINE_BREAK);
    let depth = 0;
    let word = '';
    let glued = '';
    const flush = () => {
      if (word === '') return;
      if (/^[^\p{L}\p{N}]{1,2}$/u.test(word) && word !== '-') {
        glued += `${word} `;
      } else {
        atoms.push(glued + word);
        glued = '';
      }
      word = '';
    };
    for (const char of line) {
      if (char === '(') depth++;
      else if (char === ')') depth = Math.max(0, depth - 1);
      if (char === ' ' && depth === 0) flush();
      else word += char;
    }
    flush();
    if (glued !== '') atoms.push(glued.trimEnd());
  });
  return atoms;
}

function measure(cell: Cell): Measured {
  const styled = typeof cell === 'string' ? { text: cell } : cell;
  const given = typeof styled.text === 'string' ? naturalAtoms(styled.text) : styled.text;
  const atoms: string[] = [];
  const widths: number[] = [];
  const mildCut: number[] = [];
  const hang = styled.hang ?? 0;
  let natural = 0;
  let longest = 0;
  let line = 0;
  for (const atom of given) {
    const text = typeof atom === 'string' ? atom : atom.text;
    const width = displayWidth(text);
    atoms.push(text);
    widths.push(width);
    // A cut shows width-1 characters and "…": the essential part is whole from essential+1 on.
    mildCut.push(typeof atom === 'string' ? width : Math.min(width, atom.essential + 1));
    if (text === LINE_BREAK) {
      line = 0;
      continue;
    }
    line += (line > 0 ? 1 : 0) + width;
    natural = Math.max(natural, line);
    longest = Math.max(longest, width);
  }
  return { atoms, widths, mildCut, style: styled.style ?? identity, hang, natural, longest };
}

/**
 * Greedy wrapping of a measured cell to `width`: one pass over its words,
 * so it is linear in the text (a 400 KB name, a 20,000-input merge). A word
 * goes to the next line whole; one wider than the line is cut with "…".
 */
function wrapMeasured(cell: Measured, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  let used = 0;
  let empty = true;
  let continuation = false;
  for (let i = 0; i < cell.atoms.length; i++) {
    const atom = cell.atoms[i];
    if (atom === LINE_BREAK) {
      lines.push(line);
      line = '';
      used = 0;
      empty = true;
      continuation = false;
      continue;
    }
    let text = atom;
    let w = cell.widths[i];
    if (!empty && used + 1 + w > width) {
      lines.push(line);
      line = '';
      used = 0;
      empty = true;
      continuation = true;
    }
    if (empty && continuation && cell.hang > 0 && cell.hang + w <= width) {
      line = ' '.repeat(cell.hang);
      used = cell.hang;
    }
    const room = width - used - (empty ? 0 : 1);
    if (w > room) {
      text = cutToWidth(text, room);
      w = displayWidth(text);
    }
    line += (empty ? '' : ' ') + text;
    used += (empty ? 0 : 1) + w;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** How many lines a measured cell takes at `width`, without building them. */
function lineCount(cell: Measured, width: number): number {
  let lines = 1;
  let used = 0;
  let empty = true;
  for (let i = 0; i < cell.atoms.length; i++) {
    if (cell.atoms[i] === LINE_BREAK) {
      lines++;
      used = 0;
      empty = true;
      continue;
    }
    const w = cell.widths[i];
    if (!empty && used + 1 + w > width) {
      lines++;
      used = cell.hang > 0 && cell.hang + w <= width ? cell.hang : 0;
      empty = true;
    }
    used += (empty ? 0 : 1) + Math.min(w, width);
    empty = false;
  }
  return lines;
}

/** Wraps plain text at its natural breaks (see `naturalAtoms`) to `width`. */
export function wrapCell(text: string, width: number): string {
  return wrapMeasured(measure(text), width).join('\n');
}

export interface TablePlan {
  /** Indices of the columns drawn. */
  shown: number[];
  /** Text width of each shown column, in the order of `shown`. */
  widths: number[];
  /** Detachable columns left out for lack of room. */
  detached: number[];
}

export interface PreparedTable {
  columns: ColumnSpec[];
  headers: Measured[];
  rows: Measured[][];
}

/** Measures every cell once. */
export function prepareTable(columns: ColumnSpec[], rows: Cell[][]): PreparedTable {
  return {
    columns,
    headers: columns.map((column) => measure({ text: column.header.split(' ') })),
    rows: rows.map((row) => columns.map((_, i) => measure(row[i] ?? ''))),
  };
}

/** What the planner knows of a column. */
interface ColumnFacts {
  index: number;
  /** Widest entry unwrapped (header included). */
  natural: number;
  /** Widest word: below this something is cut. */
  longest: number;
  /** Never narrower: the header's longest word. */
  floor: number;
  /** Entries' unwrapped widths, ascending. */
  naturals: number[];
  /** Words' widths, ascending, and where their cut turns from mild to severe, ascending. */
  wordWidths: number[];
  mildCuts: number[];
  cutCost: number;
}

function columnFacts(table: PreparedTable, index: number): ColumnFacts {
  const header = table.headers[index];
  const cells = table.rows.map((row) => row[index]);
  const wordWidths: number[] = [];
  const mildCuts: number[] = [];
  for (const cell of cells) {
    cell.atoms.forEach((atom, k) => {
      if (atom === LINE_BREAK) return;
      wordWidths.push(cell.widths[k]);
      mildCuts.push(cell.mildCut[k]);
    });
  }
  const naturals = cells.map((cell) => cell.natural).sort((a, b) => a - b);
  const floor = header.longest;
  return {
    index,
    natural: Math.max(header.natural, naturals[naturals.length - 1] ?? 0),
    longest: Math.max(floor, ...cells.map((cell) => cell.longest)),
    floor,
    naturals,
    wordWidths: wordWidths.sort((a, b) => a - b),
    mildCuts: mildCuts.sort((a, b) => a - b),
    cutCost: table.columns[index].cutCost ?? 1,
  };
}

/** How many values of an ascending list are greater than `value`. */
function countAbove(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return sorted.length - low;
}

/** The price of a column at `width`: each cut word counts 1, and 3 when its essential part is cut too. */
function cutPrice(facts: ColumnFacts, width: number): number {
  return facts.cutCost * (countAbove(facts.wordWidths, width) + 2 * countAbove(facts.mildCuts, width));
}

/**
 * The width a detachable column needs: one line per entry when that is 30
 * columns or less, else as narrow as keeps every entry within two lines.
 */
function detachableNeed(table: PreparedTable, facts: ColumnFacts): number {
  if (facts.natural <= 30) return facts.natural;
  const cells = table.rows.map((row) => row[facts.index]);
  let low = Math.max(facts.longest, 30);
  let high = facts.natural;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cells.every((cell) => lineCount(cell, mid) <= 2)) high = mid;
    else low = mid + 1;
  }
  return low;
}

const chrome = (columns: number) => columns * 3 + 1;
const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);

/**
 * Column widths from the content, to fit `total` terminal columns:
 * 1. everything unwrapped when it fits;
 * 2. when every word fits (each column at least its widest word), the
 *    spare width goes step by step where it saves the most lines per
 *    column spent (see `growForHeight`);
 * 3. when not, the widths that cut the fewest words (a cut that leaves the
 *    essential part whole counting less) are found exactly over the widths
 *    where a column's count of cut words changes (see `cutFewest`);
 * 4. a detachable column is tried both ways: it stays, at the width it
 *    needs, only when nothing else must be cut for it and the table with it
 *    is no taller than the table without it plus the lines its content takes
 *    elsewhere.
 */
export function planTable(table: PreparedTable, total: number): TablePlan {
  const all = table.columns.map((_, i) => columnFacts(table, i));
  if (sum(all.map((f) => f.natural)) + chrome(all.length) <= total) {
    return { shown: all.map((f) => f.index), widths: all.map((f) => f.natural), detached: [] };
  }
  const detachable = all.filter((facts) => table.columns[facts.index].detachable);
  let shown = all.filter((facts) => !detachable.includes(facts));
  let widths = fitColumns(table, shown, total - chrome(shown.length));
  let height = tableHeight(table, shown, widths) + sum(detachable.map((f) => table.columns[f.index].detachable!.linesElsewhere));
  for (const facts of detachable) {
    const need = detachableNeed(table, facts);
    const others = shown;
    const budget = total - chrome(others.length + 1) - need;
    if (sum(others.map((f) => f.longest)) > budget) continue;
    const otherWidths = fitColumns(table, others, budget);
    const spare = budget - sum(otherWidths);
    const candidate = all.filter((f) => f === facts || others.includes(f));
    const candidateWidths = candidate.map((f) => (f === facts ? need + Math.max(0, Math.min(spare, f.natural - need)) : otherWidths[others.indexOf(f)]));
    const candidateHeight = tableHeight(table, candidate, candidateWidths) + height - tableHeight(table, shown, widths) - table.columns[facts.index].detachable!.linesElsewhere;
    if (candidateHeight <= height) {
      shown = candidate;
      widths = candidateWidths;
      height = candidateHeight;
    }
  }
  return { shown: shown.map((f) => f.index), widths, detached: detachable.filter((f) => !shown.includes(f)).map((f) => f.index) };
}

/** Widths for these columns in `budget` text columns (see `planTable`). */
function fitColumns(table: PreparedTable, columns: ColumnFacts[], budget: number): number[] {
  if (sum(columns.map((f) => f.natural)) <= budget) return columns.map((f) => f.natural);
  if (sum(columns.map((f) => f.longest)) <= budget) return growForHeight(table, columns, budget);
  return cutFewest(columns, budget);
}

/** Lines of each row (the header first) when the columns have these widths. */
function columnLines(table: PreparedTable, facts: ColumnFacts, width: number): number[] {
  return [lineCount(table.headers[facts.index], width), ...table.rows.map((row) => lineCount(row[facts.index], width))];
}

function tableHeight(table: PreparedTable, columns: ColumnFacts[], widths: number[]): number {
  const lines = columns.map((facts, k) => columnLines(table, facts, widths[k]));
  let height = 0;
  for (let r = 0; r <= table.rows.length; r++) height += Math.max(...lines.map((column) => column[r]));
  return height;
}

/** At most this many widths are tried per column and step: the nearest, the farthest affordable, and some between. */
const TRIES_PER_STEP = 8;

/**
 * Every column starts at its widest word; the spare width then goes, step
 * by step, to the column and width that save the most table lines per
 * column spent (a row is as tall as its tallest cell, so widening one
 * column alone may save nothing); when no step saves a line, to the one
 * that brings the most entries onto one line per column spent. The widths
 * tried are those where an entry comes onto one line; every step passes at
 * least one, so there are at most as many steps as entries.
 */
function growForHeight(table: PreparedTable, columns: ColumnFacts[], budget: number): number[] {
  const widths = columns.map((f) => f.longest);
  let spare = budget - sum(widths);
  const lines = columns.map((facts, k) => columnLines(table, facts, widths[k]));
  const rows = table.rows.length + 1;
  const rowHeight = (r: number, replaced: number, replacement: number[]) => {
    let height = replacement[r];
    for (let k = 0; k < lines.length; k++) if (k !== replaced && lines[k][r] > height) height = lines[k][r];
    return height;
  };
  for (;;) {
    const current = Array.from({ length: rows }, (_, r) => rowHeight(r, -1, lines[0]));
    let best: { k: number; width: number; lines: number[]; saved: number; unwrapped: number } | undefined;
    const better = (saved: number, unwrapped: number, cost: number) =>
      !best ||
      saved / cost > best.saved / (best.width - widths[best.k]) ||
      (saved === 0 && best.saved === 0 && unwrapped / cost > best.unwrapped / (best.width - widths[best.k]));
    columns.forEach((facts, k) => {
      const targets = [...new Set(facts.naturals.filter((w) => w > widths[k] && w <= widths[k] + spare))];
      if (facts.natural > widths[k] && facts.natural <= widths[k] + spare) targets.push(facts.natural);
      for (const width of sample([...new Set(targets)].sort((a, b) => a - b), TRIES_PER_STEP)) {
        const next = columnLines(table, facts, width);
        let saved = 0;
        for (let r = 0; r < rows; r++) saved += current[r] - rowHeight(r, k, next);
        const unwrapped = countAtMost(facts.naturals, width) - countAtMost(facts.naturals, widths[k]);
        if ((saved > 0 || unwrapped > 0) && better(saved, unwrapped, width - widths[k])) best = { k, width, lines: next, saved, unwrapped };
      }
    });
    if (!best) break;
    spare -= best.width - widths[best.k];
    widths[best.k] = best.width;
    lines[best.k] = best.lines;
  }
  // Width too small to unwrap any further entry still shortens wrapped ones.
  columns.forEach((facts, k) => {
    const give = Math.min(spare, facts.natural - widths[k]);
    widths[k] += give;
    spare -= give;
  });
  return widths;
}

/** Up to `count` values of a sorted list, spread over it, the first and the last included. */
function sample(sorted: number[], count: number): number[] {
  if (sorted.length <= count) return sorted;
  const picked = new Set<number>();
  for (let i = 0; i < count; i++) picked.add(sorted[Math.round((i * (sorted.length - 1)) / (count - 1))]);
  return [...picked];
}

/** How many values of an ascending list are at most `value`. */
function countAtMost(sorted: number[], value: number): number {
  return sorted.length - countAbove(sorted, value);
}

/**
 * The widths (each between its floor and its widest word) that fit
 * `budget` and cut the fewest words: dynamic programming over the columns,
 * trying for each only the widths where its price changes, keeping for each
 * total width spent the cheapest choice (a Pareto front of width and price).
 */
function cutFewest(columns: ColumnFacts[], budget: number): number[] {
  interface State { used: number; price: number; choice: number[] }
  let front: State[] = [{ used: 0, price: 0, choice: [] }];
  for (const facts of columns) {
    const candidates = new Set<number>([facts.floor, facts.longest]);
    for (const w of facts.wordWidths) if (w > facts.floor && w < facts.longest) candidates.add(w);
    for (const w of facts.mildCuts) if (w > facts.floor && w < facts.longest) candidates.add(w);
    const options = [...candidates].filter((w) => w <= Math.max(budget, facts.floor)).map((w) => ({ w, price: cutPrice(facts, w) }));
    const next: State[] = [];
    for (const state of front) {
      for (const option of options) next.push({ used: state.used + option.w, price: state.price + option.price, choice: [...state.choice, option.w] });
    }
    next.sort((a, b) => a.used - b.used || a.price - b.price);
    front = [];
    for (const state of next) {
      if (state.used > budget && front.length > 0) break;
      if (front.length === 0 || state.price < front[front.length - 1].price) front.push(state);
    }
  }
  // The cheapest; among equals the one that uses the most width.
  const best = front.reduce((a, b) => (b.price < a.price || (b.price === a.price && b.used > a.used) ? b : a));
  const widths = [...best.choice];
  let spare = budget - best.used;
  columns.forEach((facts, k) => {
    const give = Math.max(0, Math.min(spare, facts.longest - widths[k]));
    widths[k] += give;
    spare -= give;
  });
  return widths;
}

/** Draws a planned table in Keras 3's (rich's) style: heavy header, light body, a rule between rows. */
export function drawPlanned(table: PreparedTable, plan: TablePlan, header: (text: string) => string): string {
  const { widths } = plan;
  const columns = plan.shown.map((i) => table.columns[i]);
  const rule = (left: string, fill: string, join: string, right: string) =>
    left + widths.map((w) => fill.repeat(w + 2)).join(join) + right;
  const block = (cells: Measured[], bar: string, styleAll?: (text: string) => string) => {
    const wrapped = cells.map((cell, k) => wrapMeasured(cell, widths[k]));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    const lines: string[] = [];
    for (let row = 0; row < height; row++) {
      const parts = wrapped.map((cellLines, k) => {
        const plain = cellLines[row] ?? '';
        const styled = plain === '' ? '' : (styleAll ?? cells[k].style)(plain);
        return ` ${align(plain, styled, widths[k], columns[k].align)} `;
      });
      lines.push(bar + parts.join(bar) + bar);
    }
    return lines;
  };
  const out = [rule('┏', '━', '┳', '┓'), ...block(plan.shown.map((i) => table.headers[i]), '┃', header), rule('┡', '━', '╇', '┩')];
  table.rows.forEach((row, r) => {
    if (r > 0) out.push(rule('├', '─', '┼', '┤'));
    out.push(...block(plan.shown.map((i) => row[i]), '│'));
  });
  out.push(rule('└', '─', '┴', '┘'));
  return out.join('\n');
}

/**
 * Draws a table that fits `width` columns (see `planTable`); widths are
 * counted on plain text and colour is applied to each wrapped line after.
 * A detachable column that does not fit is left out.
 */
export function drawTable(columns: ColumnSpec[], rows: Cell[][], options: { width: number; header: (text: string) => string }): string {
  const table = prepareTable(columns, rows);
  return drawPlanned(table, planTable(table, options.width), options.header);
}

/** Pads the styled text by the width of its plain text, so colour codes take no room. */
function align(plain: string, styled: string, width: number, how: 'left' | 'right' | 'center' = 'left'): string {
  const excess = Math.max(0, width - displayWidth(plain));
  if (how === 'right') return ' '.repeat(excess) + styled;
  if (how === 'center') {
    const left = Math.floor(excess / 2);
    return ' '.repeat(left) + styled + ' '.repeat(excess - left);
  }
  return styled + ' '.repeat(excess);
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
    const bareWidth = displayWidth(bare);
    if (plainLength > indent.length && plainLength + bareWidth > width) {
      lines.push(line.trimEnd());
      line = indent;
      plainLength = indent.length;
    }
    line += style(bare) + word.slice(bare.length);
    plainLength += displayWidth(word);
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}

/** Whether a planned table cuts a word of this column (shown at a width narrower than its widest word). */
export function cutsColumn(table: PreparedTable, plan: TablePlan, column: number): boolean {
  const at = plan.shown.indexOf(column);
  if (at < 0) return false;
  const widest = Math.max(table.headers[column].longest, ...table.rows.map((row) => row[column].longest));
  return plan.widths[at] < widest;
}
