import type { CountChange, LayerDiff, LayerSide, ModelDiff } from '../analysis/diff.js';
import { formatShapes } from '../core/shapes.js';
import { drawTable, type Cell, COUNT_CUT_COST, SHAPE_CUT_COST } from './layout.js';
import { code, markdownTable } from './markdown.js';
import { formatCount, formatPercentValue, formatSignedCount } from '../core/numbers.js';
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

export function renderDiff(diff: ModelDiff, options: DiffOptions): string {
  const { palette } = options;
  const shown = diff.layers.filter((layer) => options.all || layer.status !== 'unchanged');
  const style = (layer: LayerDiff) =>
    layer.status === 'added' ? palette.growth : layer.status === 'removed' ? palette.shrink : layer.status === 'changed' ? palette.affected : palette.dim;
  const rows: Cell[][] = shown.map((layer) => [
    { text: MARK[layer.status], style: style(layer) },
    { text: pairText(layer, layerText(layer.within)), style: style(layer) },
    { text: pairText(layer, shapeText), style: palette.shape },
    { text: paramsText(layer), style: layer.params.change > 0 ? palette.growth : layer.params.change < 0 ? palette.shrink : palette.number },
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
    lines.push(
      markdownTable(
        ['', 'Layer (type)', 'Output shape', 'Params'],
        shown.map((layer) => [MARK[layer.status].trim(), pairText(layer, layerText(layer.within)), pairText(layer, shapeText), paramsText(layer)]),
        ['left', 'left', 'left', 'right'],
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
  return [
    ['Total params:', changeText(diff.totals.params)],
    ['Trainable params:', changeText(diff.totals.trainable)],
    ['Non-trainable params:', changeText(diff.totals.nonTrainable)],
  ];
}
