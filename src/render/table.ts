import type { LayerSummary, MergeSummary, ModelSummary } from '../analysis/types.js';
import { DEPENDS_MARK, MERGE_MARK, mergeNotation } from './merge-notation.js';
import { formatShapes } from '../shapes.js';
import type { Palette } from './palette.js';
import { drawTable, type Cell, type ColumnSpec } from './layout.js';
import { formatBytes, formatCount } from './numbers.js';

export interface RenderOptions {
  palette: Palette;
  /** Terminal columns to fit in. */
  width: number;
  /** Show the layers of nested models under their row. */
  expandNested?: boolean;
}

/** The rows to show: every layer, and with expandNested the layers of nested models under them. */
function rowsOf(layers: LayerSummary[], expand: boolean, depth = 0): { layer: LayerSummary; depth: number }[] {
  return layers.flatMap((layer) => [
    { layer, depth },
    ...(expand && layer.nested ? rowsOf(layer.nested, expand, depth + 1) : []),
  ]);
}

/** Keras 3's model.summary(): title, table, and the footer of totals with their sizes. */
export function renderSummary(summary: ModelSummary, options: RenderOptions): string {
  const { palette } = options;
  // Layer names stay whole; only their "(Type)" wraps onto the next line.
  const longestName = Math.min(40, Math.max(...summary.layers.map((layer) => layer.name.length)));
  const columns: ColumnSpec[] = [
    { header: 'Layer (type)', minWidth: longestName, shrinkOrder: 2 },
    { header: 'Output Shape', minWidth: 10, shrinkOrder: 3 },
    { header: 'Param #', align: 'right' },
  ];
  if (!summary.sequentialLike) columns.push({ header: 'Connected to', minWidth: 10, shrinkOrder: 0 });
  const hasMerges = summary.merges.length > 0;
  if (hasMerges) columns.push({ header: 'Merge', minWidth: 16, shrinkOrder: 1 });
  const merges = new Map(summary.merges.map((merge) => [merge.name, merge]));
  const rows = rowsOf(summary.layers, Boolean(options.expandNested)).map(({ layer, depth }) => {
    const row = layerRow(layer, summary.sequentialLike, palette, depth === 0 && merges.has(layer.name), depth);
    if (hasMerges) row.push(depth === 0 ? mergeCell(layer, merges.get(layer.name), palette) : '');
    return row;
  });
  const table = drawTable(columns, rows, { width: options.width, header: palette.heading });
  const unverified = summary.layers.filter((layer) => layer.unverified);
  const note = unverified.length > 0
    ? `\n ${palette.affected('?')} unverified: ${unverified.length} layer${unverified.length === 1 ? '' : 's'} of unknown class or after one; their shapes and counts are guesses (${unverified.map((l) => l.name).slice(0, 4).join(', ')}${unverified.length > 4 ? ', …' : ''})`
    : '';
  const title = summary.note ? `Model: "${summary.name}"\n${palette.dim(summary.note)}` : `Model: "${summary.name}"`;
  return [title, table, renderTotals(summary, palette) + note].join('\n') + '\n';
}

/** Merges stand out; a layer whose shape or size depends on merges names them. */
function mergeCell(layer: LayerSummary, merge: MergeSummary | undefined, palette: Palette): Cell {
  if (merge) return { text: `${MERGE_MARK} ${mergeNotation(merge)}`, style: palette.merge };
  const names = layer.dependsOnMerges;
  if (names.length === 0) return '';
  const shown = names.length <= 2 ? names.join(', ') : `${names.slice(0, 2).join(', ')} +${names.length - 2}`;
  return { text: `${DEPENDS_MARK} ${shown}`, style: palette.affected };
}

function layerRow(layer: LayerSummary, sequentialLike: boolean, palette: Palette, isMerge: boolean, depth: number): Cell[] {
  const indent = depth > 0 ? `${'  '.repeat(depth - 1)}└ ` : '';
  const row: Cell[] = [
    { text: `${indent}${layer.name} (${layer.type})`, style: isMerge ? palette.merge : depth > 0 ? palette.dim : palette.layerName },
    // An empty shape is an unknown one (a layer of a subclassed model that recorded none); a layer's output always has a batch axis.
    { text: layer.outputShape.length === 0 ? '?' : formatShapes(layer.outputShape) + (layer.unverified ? ' ?' : ''), style: layer.unverified ? palette.affected : palette.shape },
    { text: formatCount(layer.params), style: palette.number },
  ];
  if (!sequentialLike) {
    const connections = layer.connections.map((c) => `${c.layer}[${c.node}][${c.tensor}]`);
    row.push(connections.length === 0 ? '-' : connections.join(', '));
  }
  return row;
}

export function renderTotals(summary: ModelSummary, palette: Palette): string {
  const { totals } = summary;
  const line = (label: string, count: number, bytes: number) =>
    ` ${palette.heading(label)} ${formatCount(count)} (${formatBytes(bytes)})`;
  const lines = [
    line('Total params:', totals.params, totals.bytes),
    line('Trainable params:', totals.trainable, totals.trainableBytes),
    line('Non-trainable params:', totals.nonTrainable, totals.nonTrainableBytes),
  ];
  return lines.join('\n');
}
