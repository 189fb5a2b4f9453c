import type { ProfiledLayer, ProfiledModel, ProfileReport } from '../analysis/profile.js';
import { formatBytes, formatCount, formatOps } from '../core/numbers.js';
import { drawTable, wrapSegments, type Cell, COUNT_CUT_COST } from './layout.js';
import { percentText } from './costs.js';
import type { Palette } from './palette.js';

/** "1.94 s", "123 ms", "12.3 ms", "0.42 ms": three significant figures. */
export function formatMs(ms: number): string {
  // The thresholds are where rounding reaches the next power of ten: 9.996 ms reads "10.0 ms", not "10.00 ms".
  if (ms >= 999.5) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 99.95) return `${ms.toFixed(0)} ms`;
  if (ms >= 9.995) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

function change(a: number, b: number): string {
  if (a === 0) return '';
  return ` (${percentText(((b - a) / a) * 100)})`;
}

const layerKey = (layer: ProfiledLayer) => `${[...(layer.within ?? []), layer.name].join('/')}@${layer.node}`;

/**
 * `profile`: what was measured and on what, the model's numbers (and the
 * swapped model's beside them, with the change), then every call's time in
 * execution order.
 */
export function renderProfile(report: ProfileReport, options: { palette: Palette; width: number }): string {
  const { palette } = options;
  const [model, swapped] = report.models;
  const { backend } = report;
  const lines = [
    `Profile: "${model.name}" (${model.source}), batch size ${report.batchSize}`,
    wrapSegments(
      [['Backend: '], [backend.label, palette.heading], [`, ${backend.threads} thread${backend.threads === 1 ? '' : 's'} `], [`(${backend.threadsNote})`, palette.dim]],
      options.width,
      '  ',
    ),
    `${report.runs} timed run${report.runs === 1 ? '' : 's'} after ${report.warmup} warm-up run${report.warmup === 1 ? '' : 's'}, random weights`,
  ];
  const column = (m: ProfiledModel) => (m.swap ? `as ${m.swap.as}` : m.name);
  const rows: [string, (m: ProfiledModel) => string][] = [
    ['Latency, median', (m) => formatMs(m.latencyMs.median) + (m.swap ? change(model.latencyMs.median, m.latencyMs.median) : '')],
    ['Latency, p10–p90', (m) => `${formatMs(m.latencyMs.p10)} – ${formatMs(m.latencyMs.p90)}`],
    ['Latency, min–max', (m) => `${formatMs(m.latencyMs.min)} – ${formatMs(m.latencyMs.max)}`],
    ['Throughput', (m) => `${m.throughput.toFixed(m.throughput >= 100 ? 0 : 1)} samples/s`],
    ['Mult-adds', (m) => (m.macs == null ? (m.macsPerStep !== undefined ? `${formatOps(m.macsPerStep)} per step` : 'unknown') : formatOps(m.macs) + (m.swap && model.macs != null ? change(model.macs, m.macs) : ''))],
    ['Mult-adds/s at the median', (m) => (m.macs == null || m.latencyMs.median === 0 ? '—' : `${formatOps((m.macs * 1000) / m.latencyMs.median)}/s`)],
    ['Params', (m) => formatCount(m.params) + (m.swap ? change(model.params, m.params) : '')],
    ['Peak tensor memory', (m) => `${formatBytes(m.peakTensorBytes)} (weights ${formatBytes(m.weightBytes)})`],
    ['Peak activations, counted', (m) => (m.peakActivationBytes === null ? 'unknown' : formatBytes(m.peakActivationBytes))],
    ['Per-layer times, summed', (m) => `${formatMs(m.layerSumMs)} (${m.layerSumPercent.toFixed(0)}% of the median)`],
  ];
  const models = swapped ? [model, swapped] : [model];
  lines.push(
    drawTable(
      [{ header: ' ' }, ...models.map((m) => ({ header: column(m), align: 'right' as const, cutCost: COUNT_CUT_COST }))],
      rows.map(([label, value]): Cell[] => [{ text: label, style: palette.heading }, ...models.map((m): Cell => ({ text: [value(m)], style: palette.number }))]),
      { width: options.width, header: palette.heading },
    ),
  );

  // Every call in execution order; with --swap, the same layer's time in the swapped model beside it.
  const other = new Map((swapped?.layers ?? []).map((layer) => [layerKey(layer), layer]));
  const header = swapped ? [`Time`, `as ${swapped.swap?.as}`] : ['Time'];
  const layerRows = model.layers.map((layer): Cell[] => {
    const twin = other.get(layerKey(layer));
    const name = `${[...(layer.within ?? []), layer.name].join('/')} (${layer.type})`;
    const cells: Cell[] = [{ text: name, style: palette.layerName }, { text: [formatMs(layer.medianMs)], style: palette.number }, { text: [`${layer.percent.toFixed(1)}%`], style: palette.dim }];
    if (swapped) cells.push({ text: [twin ? formatMs(twin.medianMs) + (twin.type !== layer.type ? ` (${twin.type})` : '') : '—'], style: palette.number });
    return cells;
  });
  lines.push(
    '',
    `Per layer, in execution order (median of ${report.runs} layer-by-layer pass${report.runs === 1 ? '' : 'es'}):`,
    drawTable(
      [
        { header: 'Layer (type)' },
        { header: header[0], align: 'right', cutCost: COUNT_CUT_COST },
        { header: 'Share', align: 'right', cutCost: COUNT_CUT_COST },
        ...(swapped ? [{ header: header[1], align: 'right' as const, cutCost: COUNT_CUT_COST }] : []),
      ],
      layerRows,
      { width: options.width, header: palette.heading },
    ),
  );
  return `${lines.join('\n')}\n`;
}
