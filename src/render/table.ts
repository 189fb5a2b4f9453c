import { mergeId } from '../analysis/merges.js';
import { figureOf } from '../analysis/model-costs.js';
import type { LayerSummary, MergeSummary, ModelSummary, Totals } from '../analysis/types.js';
import { formatBytes, formatCount } from '../core/numbers.js';
import { formatShape, isShapeList } from '../core/shapes.js';
import type { LayerRange } from './layer-range.js';
import { figureCell, figureText, type Unit } from './costs.js';
import { cutsColumn, displayWidth, drawPlanned, planTable, prepareTable, wrapSegments, type Atom, type Cell, type ColumnSpec, type PreparedTable, type Segment, COUNT_CUT_COST, SHAPE_CUT_COST } from './layout.js';
import { code, markdownTable } from './markdown.js';
import { DEPENDS_MARK, MERGE_MARK, mergeNotation, mergeNotationWords } from './merge-notation.js';
import type { Palette } from './palette.js';

/** What the summary shows, whatever the format: Keras's summary options. */
export interface SummaryView {
  /**
   * Levels of rows, as torchinfo's depth: 1 is the model's own layers
   * (Keras's default), 2 adds the layers of the models used as layers, and
   * so on; Infinity is Keras's expand_nested.
   */
  depth?: number;
  /** Keras's show_trainable: a "Trainable" column of Y, N or "-". */
  showTrainable?: boolean;
  /** Keras's layer_range: only these of the model's own layers (and the rows nested in them). */
  layerRange?: LayerRange;
  /** Cost columns after "Param #", as torchinfo's col_names: mult-adds, and the bytes of each layer's output. */
  columns?: CostColumn[];
}

export type CostColumn = 'macs' | 'activations';

/** Each cost column: its header, and its cell for a row. */
const COST_COLUMNS: Record<CostColumn, { header: string; cell: (layer: LayerSummary) => string }> = {
  macs: { header: 'Mult-Adds', cell: (layer) => figureCell(figureOf(layer, 'macs'), 'count') },
  activations: { header: 'Activations', cell: (layer) => figureCell(figureOf(layer, 'activationBytes'), 'bytes') },
};

export interface RenderOptions extends SummaryView {
  palette: Palette;
  /** Terminal columns to fit in. */
  width: number;
  /** The same as depth Infinity (kept for callers of the first version). */
  expandNested?: boolean;
}

interface Row {
  layer: LayerSummary;
  /** 0 for the model's own layers. */
  level: number;
  /** The nested models the row's layer is in, outermost first. */
  path: string[];
  /** Keras's layer.trainable as the layer has it: false inside a frozen model, whose setter freezes every layer in it. */
  trainable: boolean;
}

/** The rows to show: the model's own layers in the range, each followed by its nested layers down to the depth. */
function rowsOf(summary: ModelSummary, view: SummaryView): Row[] {
  const depth = view.depth ?? 1;
  const range = view.layerRange ?? { first: 0, last: summary.layers.length - 1 };
  const rows: Row[] = [];
  const visit = (layer: LayerSummary, path: string[], outerTrainable: boolean) => {
    const level = path.length;
    const trainable = outerTrainable && (layer.layerTrainable ?? layer.trainable > 0);
    rows.push({ layer, level, path, trainable });
    if (!layer.nested || level + 1 >= depth) return;
    // Keras expands `layer.layers`, which for a Sequential leaves out its InputLayer (a Functional's keeps it).
    const inner = layer.type === 'Sequential' ? layer.nested.filter((child) => child.type !== 'InputLayer') : layer.nested;
    for (const child of inner) visit(child, [...path, layer.name], trainable);
  };
  summary.layers.slice(range.first, range.last + 1).forEach((layer) => visit(layer, [], true));
  return rows;
}

/** The merge a row is, if it is one (merges inside nested models are MODEL/NAME). */
function mergeOfRow(row: Row, merges: Map<string, MergeSummary>): MergeSummary | undefined {
  return merges.get([...row.path, row.layer.name].join('/'));
}

/** Every merge of a summary, by mergeId. */
function mergesById(summary: ModelSummary): Map<string, MergeSummary> {
  return new Map(summary.merges.map((merge) => [mergeId(merge), merge]));
}

/** Keras's prefix of a nested row: three spaces a level, then "└ " (print_layer in summary_utils.py). */
export function nestedPrefix(level: number): string {
  return level === 0 ? '' : `${'   '.repeat(level)}└ `;
}

/** Keras's show_trainable cell: Y or N for a layer with weights, by its trainable flag; "-" without weights. */
export function trainableMark(row: Row): string {
  const hasWeights = row.layer.weightVariables !== undefined ? row.layer.weightVariables > 0 : row.layer.params > 0;
  if (!hasWeights) return '-';
  return row.trainable ? 'Y' : 'N';
}

/** Output shape words: one shape, or Keras's list of shapes (`[(None, 10, 64), (None, 64)]`) broken after each comma between them. */
function shapeWords(shape: LayerSummary['outputShape']): string[] {
  // An empty shape is an unknown one (a layer of a subclassed model that recorded none); a layer's output always has a batch axis.
  if (shape.length === 0) return ['?'];
  if (!isShapeList(shape)) return [formatShape(shape)];
  return shape.map((one, i) => `${i === 0 ? '[' : ''}${formatShape(one)}${i < shape.length - 1 ? ',' : ']'}`);
}

/**
 * Keras's "Connected to": `name[node][tensor]` per input; "-" for an input,
 * and for the rows of a nested model, whose nodes are not the outer model's
 * (Keras skips every node outside the model it summarises).
 */
function connectionWords(layer: LayerSummary, level: number): Atom[] {
  if (level > 0 || layer.connections.length === 0) return ['-'];
  return layer.connections.map((c, i) => ({
    text: `${c.layer}[${c.node}][${c.tensor}]${i < layer.connections.length - 1 ? ',' : ''}`,
    essential: c.layer.length,
  }));
}

/** A layer whose shape or size depends on merges names the nearest of them, and how many more there are. */
function dependsWords(layer: LayerSummary): string[] {
  const names = layer.dependsOnMerges;
  if (names.length === 0) return [];
  const nearest = `${DEPENDS_MARK} ${names[names.length - 1]}`;
  return names.length === 1 ? [nearest] : [nearest, `+${names.length - 1}`];
}

/** Keras 3's model.summary(): title, table, and the footer of totals with their sizes. */
export function renderSummary(summary: ModelSummary, options: RenderOptions): string {
  const { palette } = options;
  const view: SummaryView = { ...options, depth: options.expandNested ? Infinity : options.depth };
  const rows = rowsOf(summary, view);
  const merges = mergesById(summary);
  const costColumns = view.columns ?? [];
  const columns: ColumnSpec[] = [
    { header: 'Layer (type)' },
    { header: 'Output Shape', cutCost: SHAPE_CUT_COST },
    { header: 'Param #', align: 'right', cutCost: COUNT_CUT_COST },
    ...costColumns.map((column): ColumnSpec => ({ header: COST_COLUMNS[column].header, align: 'right', cutCost: COUNT_CUT_COST })),
  ];
  if (!summary.sequentialLike) columns.push({ header: 'Connected to' });
  if (view.showTrainable) columns.push({ header: 'Trainable', align: 'center' });
  const hasMerges = hasMergeCells(rows, merges);
  if (hasMerges) columns.push({ header: 'Merge', detachable: { linesElsewhere: mergeListLines(rows, merges) } });

  const cells: Cell[][] = rows.map((row) => {
    const { layer, level } = row;
    const merge = mergeOfRow(row, merges);
    const prefix = nestedPrefix(level);
    const cellsOfRow: Cell[] = [
      {
        text: [prefix + layer.name, `(${layer.type})`],
        style: merge ? palette.merge : level > 0 ? palette.dim : palette.layerName,
        hang: prefix.length,
      },
      {
        text: layer.unverified ? [...shapeWords(layer.outputShape), '?'] : shapeWords(layer.outputShape),
        style: layer.unverified ? palette.affected : palette.shape,
      },
      { text: [formatCount(layer.params)], style: palette.number },
      ...costColumns.map((column): Cell => ({ text: [COST_COLUMNS[column].cell(layer)], style: palette.number })),
    ];
    if (!summary.sequentialLike) cellsOfRow.push({ text: connectionWords(layer, level) });
    if (view.showTrainable) {
      const mark = trainableMark(row);
      cellsOfRow.push({ text: [mark], style: mark === 'Y' ? palette.ok : mark === 'N' ? palette.fail : identity });
    }
    if (hasMerges) {
      if (merge) cellsOfRow.push({ text: glueMark(MERGE_MARK, mergeNotationWords(merge)), style: palette.merge });
      else cellsOfRow.push({ text: dependsWords(layer), style: palette.affected });
    }
    return cellsOfRow;
  });

  let table = prepareTable(columns, cells);
  let plan = planTable(table, options.width);
  let costNote = '';
  if (costColumns.length > 0 && cutsColumn(table, plan, 0)) {
    // The cost columns give way rather than cut a name that the table without them shows whole.
    const keep = columns.map((_, i) => i).filter((i) => i < 3 || i >= 3 + costColumns.length);
    const without = prepareTable(keep.map((i) => columns[i]), cells.map((row) => keep.map((i) => row[i])));
    const withoutPlan = planTable(without, options.width);
    if (withoutPlan.widths[0] > plan.widths[0]) {
      const needed = widthKeepingNames(table, options.width);
      costNote = `\n${wrapSegments([[` (${costColumns.map((c) => COST_COLUMNS[c].header).join(' and ')} left out: beside the other columns they would cut layer names; --width ${needed} shows them)`, palette.dim]], options.width, ' ')}`;
      table = without;
      plan = withoutPlan;
    }
  }
  const title = summary.note ? `Model: "${summary.name}"\n${wrapSegments([[summary.note, palette.dim]], options.width)}` : `Model: "${summary.name}"`;
  const sections = [title, drawPlanned(table, plan, palette.heading), renderTotals(summary, palette, options.width) + unverifiedNote(summary, palette, options.width) + costNote];
  if (plan.detached.length > 0) {
    const shownMerges = rows.flatMap((row) => mergeOfRow(row, merges) ?? []);
    sections.push(mergeList(shownMerges, options));
  }
  return `${sections.join('\n')}\n`;
}

const identity = (text: string) => text;

/** The narrowest width, from `from` up, at which the table cuts no layer name. */
function widthKeepingNames(table: PreparedTable, from: number): number {
  let low = from + 1;
  let high = Math.max(low, 4 * from);
  while (cutsColumn(table, planTable(table, high), 0)) high *= 2;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cutsColumn(table, planTable(table, mid), 0)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** "◆" kept with the first word after it. */
function glueMark(mark: string, words: string[]): string[] {
  return words.length === 0 ? [mark] : [`${mark} ${words[0]}`, ...words.slice(1)];
}

/** Whether a shown row has something for the Merge column: a merge, or a layer that depends on one. */
function hasMergeCells(rows: Row[], merges: Map<string, MergeSummary>): boolean {
  return rows.some((row) => mergeOfRow(row, merges) !== undefined || row.layer.dependsOnMerges.length > 0);
}

/** The lines of the merge list: a blank line, its heading, one per merge shown. */
function mergeListLines(rows: Row[], merges: Map<string, MergeSummary>): number {
  return 2 + rows.filter((row) => mergeOfRow(row, merges) !== undefined).length;
}

/** The merge notes, when the terminal is too narrow for a Merge column: one line per merge under the table. */
function mergeList(merges: MergeSummary[], options: RenderOptions): string {
  const { palette } = options;
  const lines = [palette.heading('Merges (the Merge column, for lack of width):')];
  for (const merge of merges) {
    lines.push(wrapSegments([[` ${MERGE_MARK} ${mergeId(merge)}`, palette.merge], [`: ${mergeNotation(merge)}`]], options.width, '     '));
  }
  return `\n${lines.join('\n')}`;
}

function unverifiedNote(summary: ModelSummary, palette: Palette, width: number): string {
  const unverified = summary.layers.filter((layer) => layer.unverified);
  if (unverified.length === 0) return '';
  const some = unverified.map((l) => l.name).slice(0, 4).join(', ') + (unverified.length > 4 ? ', …' : '');
  const count = `${unverified.length} layer${unverified.length === 1 ? '' : 's'}`;
  return `\n${footerLine([[' '], ['?', palette.affected], [` unverified: ${count} of unknown class or after one; their shapes and counts are guesses (${some})`]], width)}`;
}

/**
 * The totals under the table. A line longer than the width (a cost's reason,
 * the name of the layer at the peak) wraps like the rest of the output.
 */
export function renderTotals(summary: ModelSummary, palette: Palette, width: number): string {
  const { totals } = summary;
  const line = (label: string, count: number, bytes: number) => footerLine([[' '], [label, palette.heading], [` ${formatCount(count)} (${formatBytes(bytes)})`]], width);
  const lines = [
    line('Total params:', totals.params, totals.bytes),
    line('Trainable params:', totals.trainable, totals.trainableBytes),
    line('Non-trainable params:', totals.nonTrainable, totals.nonTrainableBytes),
    ...costLines(totals).map(([label, text, why]) => footerLine([[' '], [label, palette.heading], [` ${text}`], ...(why ? [[` (${why})`, palette.dim] as Segment] : [])], width)),
  ];
  return lines.join('\n');
}

/** A line of the footer: each run styled whole when it fits the width, else wrapped at spaces, continuation lines indented. */
function footerLine(segments: Segment[], width: number): string {
  const plain = segments.map(([text]) => text).join('');
  if (displayWidth(plain) <= width) return segments.map(([text, style]) => (style ? style(text) : text)).join('');
  return wrapSegments(segments, width, '   ');
}

/**
 * The footer's cost lines: the total mult-adds, torchinfo's sizes (input,
 * forward/backward pass, params, estimated total) and the peak of live
 * activation memory during inference; [label, figure, why it is not exact].
 */
export function costLines(totals: Totals): [string, string, string?][] {
  if (totals.batchSize === undefined) return [];
  const lines: [string, string, string?][] = [];
  const add = (label: string, name: string, unit: Unit, suffix = '') => {
    const figure = figureOf(totals, name);
    lines.push([label, figureText(figure, unit) + (figure?.kind === 'exact' ? suffix : ''), figure && figure.kind !== 'exact' ? figure.why : undefined]);
  };
  add(`Total mult-adds${totals.batchSize === 1 ? '' : ` (batch size ${totals.batchSize})`}:`, 'macs', 'ops');
  add('Input size:', 'inputBytes', 'bytes');
  add('Forward/backward pass size:', 'forwardBackwardBytes', 'bytes');
  lines.push(['Params size:', formatBytes(totals.bytes)]);
  add('Estimated total size:', 'estimatedTotalBytes', 'bytes');
  add('Peak activations (inference):', 'peakActivationBytes', 'bytes', totals.peakActivationAt ? `, at ${totals.peakActivationAt}` : '');
  return lines;
}

/**
 * The summary as a GitHub-flavoured Markdown table, for a pull-request
 * comment: the same rows and columns as the text table, every cell on one
 * line. Names and shapes are code spans; the spaces inside a shape are
 * no-break spaces, so a narrow comment wraps between cells, never inside a
 * shape. A Markdown table has no width, so nothing is ever cut.
 */
export function renderSummaryMarkdown(summary: ModelSummary, view: SummaryView): string {
  const rows = rowsOf(summary, view);
  const merges = mergesById(summary);
  const costColumns = view.columns ?? [];
  const headers = ['Layer (type)', 'Output Shape', 'Param #', ...costColumns.map((column) => COST_COLUMNS[column].header)];
  const align: ('left' | 'right' | 'center')[] = ['left', 'left', 'right', ...costColumns.map((): 'right' => 'right')];
  if (!summary.sequentialLike) headers.push('Connected to');
  if (view.showTrainable) align[headers.push('Trainable') - 1] = 'center';
  const hasMerges = hasMergeCells(rows, merges);
  if (hasMerges) headers.push('Merge');
  const whole = (text: string) => code(text.replace(/ /g, '\u00a0'));
  const body = rows.map((row) => {
    const { layer, level } = row;
    const prefix = level > 0 ? `${'\u00a0'.repeat(3 * level)}└\u00a0` : '';
    const cells = [
      `${prefix}${code(layer.name)} (${layer.type})`,
      shapeWords(layer.outputShape).map(whole).join(' ') + (layer.unverified ? ' ?' : ''),
      formatCount(layer.params),
      ...costColumns.map((column) => COST_COLUMNS[column].cell(layer).replace(/ /g, '\u00a0')),
    ];
    if (!summary.sequentialLike) {
      const connections = level > 0 ? [] : layer.connections.map((c) => code(`${c.layer}[${c.node}][${c.tensor}]`));
      cells.push(connections.length === 0 ? '-' : connections.join(', '));
    }
    if (view.showTrainable) cells.push(trainableMark(row));
    if (hasMerges) {
      const merge = mergeOfRow(row, merges);
      cells.push(merge ? `${MERGE_MARK} ${mergeNotation(merge)}` : dependsWords(layer).join(' '));
    }
    return cells;
  });
  const { totals } = summary;
  return [
    `**Model: ${code(summary.name)}**`,
    '',
    markdownTable(headers, body, align),
    '',
    `- **Total params:** ${formatCount(totals.params)} (${formatBytes(totals.bytes)})`,
    `- **Trainable params:** ${formatCount(totals.trainable)} (${formatBytes(totals.trainableBytes)})`,
    `- **Non-trainable params:** ${formatCount(totals.nonTrainable)} (${formatBytes(totals.nonTrainableBytes)})`,
    ...costLines(totals).map(([label, text, why]) => `- **${label}** ${text}${why ? ` (${why})` : ''}`),
    '',
  ].join('\n');
}
