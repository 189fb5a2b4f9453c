import type { ModelSummary, LayerSummary } from '../analysis/types.js';
import { formatShapes } from '../shapes.js';
import type { Palette } from './palette.js';
import { drawTable, type Cell, type ColumnSpec } from './layout.js';
import { formatBytes, formatCount } from './numbers.js';

export interface RenderOptions {
  palette: Palette;
  /** Terminal columns to fit in. */
  width: number;
}

/** Keras 3's model.summary(): title, table, and the footer of totals with their sizes. */
export function renderSummary(summary: ModelSummary, options: RenderOptions): string {
  const { palette } = options;
  // Layer names stay whole; only their "(Type)" wraps onto the next line.
  const longestName = Math.min(40, Math.max(...summary.layers.map((layer) => layer.name.length)));
  const columns: ColumnSpec[] = [
    { header: 'Layer (type)', minWidth: longestName, shrinkOrder: 1 },
    { header: 'Output Shape', minWidth: 10, shrinkOrder: 3 },
    { header: 'Param #', align: 'right' },
  ];
  if (!summary.sequentialLike) columns.push({ header: 'Connected to', minWidth: 10, shrinkOrder: 2 });
  const rows = summary.layers.map((layer) => layerRow(layer, summary.sequentialLike, palette));
  const table = drawTable(columns, rows, { width: options.width, header: palette.heading });
  return [`Model: "${summary.name}"`, table, renderTotals(summary, palette)].join('\n') + '\n';
}

function layerRow(layer: LayerSummary, sequentialLike: boolean, palette: Palette): Cell[] {
  const row: Cell[] = [
    { text: `${layer.name} (${layer.type})`, style: palette.layerName },
    { text: formatShapes(layer.outputShape), style: palette.shape },
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
