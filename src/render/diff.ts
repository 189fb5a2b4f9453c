import type { CostChange, CountChange, LayerDiff, LayerSide, ModelDiff } from '../analysis/diff.js';
import { formatShapes } from '../core/shapes.js';
import { drawTable, type Cell, COUNT_CUT_COST, SHAPE_CUT_COST } from './layout.js';
import { code, markdownTable } from './markdown.js';
import { formatBytes, formatCount, formatOps, formatPercentValue, formatSignedBytes, formatSignedCount, formatSignedOps } from '../core/numbers.js';
import { percentText } from './costs.js';
import type { Palette } from './palette.js';

const MARK = { changed: '~', added: '+', removed: '−', unchanged: ' ' } as const;

export interface DiffOptions {
  palette: Palette;
  width: number;
  /** Show unchanged layers too. */
  all: boolean;
}

/** "1,572,888 → 3,145,752 (+1,572,864, +100%)", or one count when it did not change. */
export function changeText(change: CountChange): string {
  if (change.change === 0) return formatCount(change.a);
  const percent = change.percent === null ? 'new' : formatPercentValue(change.percent);
  return `${formatCount(change.a)} → ${formatCount(change.b)} (${formatSignedCount(change.change)}, ${percent})`;
}

/** A layer's name and type; inside a nested model, the models it is in first: `resnet50v2/conv2_block1_out (Add)`. */
const layerText = (within: string[] | undefined) => (side: LayerSide) => `${[...(within ?? []), side.name].join('/')} (${side.type})`;

function pairText(layer: LayerDiff, text: (side: LayerSide) => string): string {
  const a = layer.a && text(layer.a);
  const b = layer.b && text(layer.b);
  if (a === null) return b as string;
  if (b === null || a === b) return a;
  return `${a} → ${b}`;
}

const shapeText = (side: LayerSide) => formatShapes(side.outputShape);

function paramsText(layer: LayerDiff): string {
  if (!layer.a || !layer.b) return formatCount((layer.a ?? layer.b)!.params);
  return changeText(layer.params);
}

/** A cost both ways: "3,145,728 → 1,572,864 (−1,572,864, −50%)", one count when it did not change, "unknown" where not exact. */
function costText(layer: LayerDiff): string {
  const one = (side: LayerSide | null) => (side?.macs === null ? (side.macsPerStep !== undefined ? `${formatCount(side.macsPerStep)}/step` : 'unknown') : formatCount(side?.macs ?? 0));
  if (!layer.a || !layer.b || !layer.differences.includes('macs')) return one(layer.a ?? layer.b);
  if (layer.macs && layer.macs.change !== null) return changeText(layer.macs as CountChange);
  return `${one(layer.a)} → ${one(layer.b)}`;
}

/** Whether the shown layers differ in mult-adds (or add or remove some): then the table has a Mult-Adds column. */
function showsMacs(shown: LayerDiff[]): boolean {
  return shown.some((layer) => layer.differences.includes('macs') || (layer.status !== 'changed' && layer.status !== 'unchanged' && ((layer.a ?? layer.b)?.macs ?? 0) !== 0));
}

export function renderDiff(diff: ModelDiff, options: DiffOptions): string {
  const { palette } = options;
  const shown = diff.layers.filter((layer) => options.all || layer.status !== 'unchanged');
  const withMacs = showsMacs(shown);
  const style = (layer: LayerDiff) =>
    layer.status === 'added' ? palette.growth : layer.status === 'removed' ? palette.shrink : layer.status === 'changed' ? palette.affected : palette.dim;
  const rows: Cell[][] = shown.map((layer) => [
    { text: MARK[layer.status], style: style(layer) },
    { text: pairText(layer, layerText(layer.within)), style: style(layer) },
    { text: pairText(layer, shapeText), style: palette.shape },
    { text: paramsText(layer), style: layer.params.change > 0 ? palette.growth : layer.params.change < 0 ? palette.shrink : palette.number },
    ...(withMacs ? [{ text: costText(layer), style: palette.number }] : []),
  ]);
  const lines = [`Diff: "${diff.a.name}" (${diff.a.source}) → "${diff.b.name}" (${diff.b.source})`];
  if (rows.length > 0) {
    lines.push(
      drawTable(
        [
          { header: ' ' },
          { header: 'Layer (type)' },
          { header: 'Output Shape', cutCost: SHAPE_CUT_COST },
          { header: 'Param #', align: 'right', cutCost: COUNT_CUT_COST },
          ...(withMacs ? [{ header: 'Mult-Adds', align: 'right' as const, cutCost: COUNT_CUT_COST }] : []),
        ],
        rows,
        { width: options.width, header: palette.heading },
      ),
    );
  }
  lines.push(countsLine(diff, options.all));
  lines.push(...totalsLines(diff).map(([label, text]) => ` ${palette.heading(label)} ${text}`));
  return `${lines.join('\n')}\n`;
}

export function renderDiffMarkdown(diff: ModelDiff, options: { all: boolean }): string {
  const shown = diff.layers.filter((layer) => options.all || layer.status !== 'unchanged');
  const lines = [`### merge-summary diff: ${code(diff.a.name)} → ${code(diff.b.name)}`, ''];
  if (shown.length > 0) {
    const withMacs = showsMacs(shown);
    lines.push(
      markdownTable(
        ['', 'Layer (type)', 'Output shape', 'Params', ...(withMacs ? ['Mult-Adds'] : [])],
        shown.map((layer) => [MARK[layer.status].trim(), pairText(layer, layerText(layer.within)), pairText(layer, shapeText), paramsText(layer), ...(withMacs ? [costText(layer)] : [])]),
        ['left', 'left', 'left', 'right', ...(withMacs ? ['right' as const] : [])],
      ),
      '',
    );
  }
  lines.push(countsLine(diff, options.all), '');
  lines.push(...totalsLines(diff).map(([label, text]) => `**${label}** ${text}  `));
  return `${lines.join('\n')}\n`;
}

function countsLine(diff: ModelDiff, all: boolean): string {
  if (diff.identical) return `The models are identical layer for layer (${diff.counts.unchanged} layers).`;
  const { changed, added, removed, unchanged } = diff.counts;
  const parts = [`${changed} changed`, `${added} added`, `${removed} removed`, `${unchanged} unchanged`];
  return `${parts.join(', ')}${unchanged > 0 && !all ? ' (--all shows the unchanged ones)' : ''}.`;
}

function totalsLines(diff: ModelDiff): [string, string][] {
  const lines: [string, string][] = [
    ['Total params:', changeText(diff.totals.params)],
    ['Trainable params:', changeText(diff.totals.trainable)],
    ['Non-trainable params:', changeText(diff.totals.nonTrainable)],
  ];
  const { macs, peakActivationBytes } = diff.totals;
  if (macs) lines.push(['Total mult-adds:', costChangeText(macs, formatOps, formatSignedOps)]);
  if (peakActivationBytes) lines.push(['Peak activations (inference):', costChangeText(peakActivationBytes, formatBytes, formatSignedBytes)]);
  return lines;
}

/** "5.06 G → 5.06 G (+1.57 M, +0.03%)", one figure when it did not change; "unknown" for a side that is not exact. */
function costChangeText(change: CostChange, plain: (n: number) => string, signed: (n: number) => string): string {
  const side = (n: number | null) => (n === null ? 'unknown' : plain(n));
  if (change.change === 0) return side(change.a);
  if (change.change === null) return change.a === null && change.b === null ? 'unknown' : `${side(change.a)} → ${side(change.b)}`;
  const percent = change.percent === null ? 'new' : percentText(change.percent);
  return `${side(change.a)} → ${side(change.b)} (${signed(change.change)}, ${percent})`;
}
