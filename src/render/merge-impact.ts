import type { AffectedLayer, MergeSummary, ModelSummary } from '../analysis/types.js';
import { formatShapes, sameShape } from '../shapes.js';
import { drawTable, wrapSegments, type Cell, type Segment, COUNT_CUT_COST, SHAPE_CUT_COST } from './layout.js';
import { MERGE_MARK, mergeNotation } from './merge-notation.js';
import { formatCount, formatPercentValue, formatSignedCount } from './numbers.js';
import { makePalette, type Palette } from './palette.js';

/** Which merges to show in full: the largest impacts (default), every one, or those named. */
export type MergeSelection = { kind: 'default' } | { kind: 'all' } | { kind: 'none' } | { kind: 'named'; names: string[] };

/** Shown in full by default; the rest get one line each, up to COMPACT_LINES of them. */
const DETAILED_BY_DEFAULT = 3;
const COMPACT_LINES = 8;

/**
 * "Merge impact": for each merge, the same model with that merge swapped
 * (Concatenate <-> Add, other merges -> Concatenate): the layers whose shape
 * or parameters differ, where that footprint stops, and the totals.
 */
export function renderMergeImpact(summary: ModelSummary, selection: MergeSelection, options: { palette: Palette; width: number }): string {
  const { palette } = options;
  if (summary.merges.length === 0 || selection.kind === 'none') return '';
  const ranked = [...summary.merges].sort((a, b) => b.impact - a.impact);
  const detailed =
    selection.kind === 'all' || (selection.kind === 'default' && summary.merges.length <= DETAILED_BY_DEFAULT + 1)
      ? summary.merges
      : selection.kind === 'named'
        ? summary.merges.filter((m) => selection.names.includes(m.name))
        : ranked.slice(0, DETAILED_BY_DEFAULT);
  const rest = ranked.filter((m) => !detailed.includes(m));

  const prose = (segments: Segment[], indent = '') => wrapSegments(segments, options.width, `${indent}  `);
  const lines = [
    palette.heading('Merge impact'),
    prose([['Each merge against the same model with it swapped: Concatenate ↔ Add, others → Concatenate.', palette.dim]]),
  ];
  for (const merge of detailed) lines.push('', ...mergeDetail(merge, summary, options, prose));
  if (rest.length > 0) {
    lines.push('', prose([[selection.kind === 'named' ? 'Other merges:' : `${rest.length} more merges, largest impact first:`, palette.heading]]));
    for (const merge of rest.slice(0, COMPACT_LINES)) lines.push(prose([['  '], ...compactLine(merge, palette)], '  '));
    if (rest.length > COMPACT_LINES) lines.push(`  … and ${rest.length - COMPACT_LINES} more`);
    lines.push(prose([['  (--merges NAME shows one in full, --merges all every one)', palette.dim]], '  '));
  }
  return `${lines.join('\n')}\n`;
}

type Prose = (segments: Segment[], indent?: string) => string;

function mergeDetail(merge: MergeSummary, summary: ModelSummary, options: { palette: Palette; width: number }, prose: Prose): string[] {
  const { palette } = options;
  const alt = merge.alternative;
  const lines = [prose([[`${MERGE_MARK} ${merge.name} (${merge.type})`, palette.merge], [`: ${mergeNotation(merge)}`]])];
  if (!alt.possible) {
    lines.push(prose([[`  As ${alt.type ?? 'another merge'}: `], ['not possible', palette.fail], [`: ${alt.reason}`]], '  '));
    const dependents = summary.layers.filter((layer) => layer.dependsOnMerges.includes(merge.name)).map((layer) => layer.name);
    if (dependents.length > 0) lines.push(prose([[`  Layers whose shape or size depends on its output: ${dependents.join(', ')}`]], '  '));
    return lines;
  }
  const change = alt.totalParamsChange as number;
  const changeStyle = change > 0 ? palette.growth : change < 0 ? palette.shrink : palette.dim;
  lines.push(
    prose(
      [
        [`  As ${alt.type}: output ${formatShapes(alt.outputShape!)} instead of ${formatShapes(merge.outputShape)}; `],
        [`total params ${formatCount(summary.totals.params)} → ${formatCount(alt.totalParams!)} `],
        [`(${formatSignedCount(change)}, ${formatPercentValue(alt.totalParamsPercent!)})`, changeStyle],
      ],
      '  ',
    ),
  );
  if (merge.affected.length === 0) {
    lines.push('  No layer after it changes shape or size.');
    return lines;
  }
  const rows: Cell[][] = merge.affected.map((layer) => affectedRow(layer, palette));
  const table = drawTable(
    [
      { header: 'Affected layer (type)' },
      { header: `Output Shape → as ${alt.type}`, cutCost: SHAPE_CUT_COST },
      { header: `Param # → as ${alt.type}`, align: 'right', cutCost: COUNT_CUT_COST },
    ],
    rows,
    { width: options.width - 2, header: palette.heading },
  );
  lines.push(...table.split('\n').map((line) => `  ${line}`));
  lines.push(prose([[`  ${stopsText(merge)}`]], '  '));
  return lines;
}

function affectedRow(layer: AffectedLayer, palette: Palette): Cell[] {
  const shapeChanged = !sameShape(layer.outputShape, layer.alternativeOutputShape);
  const shapes = shapeChanged
    ? `${formatShapes(layer.outputShape)} → ${formatShapes(layer.alternativeOutputShape)}`
    : `${formatShapes(layer.outputShape)} (same)`;
  const params =
    layer.paramsChange === 0
      ? formatCount(layer.params)
      : `${formatCount(layer.params)} → ${formatCount(layer.alternativeParams)} (${formatSignedCount(layer.paramsChange)})`;
  return [
    { text: `${layer.name} (${layer.type})`, style: palette.affected },
    { text: shapes, style: palette.shape },
    { text: params, style: layer.paramsChange > 0 ? palette.growth : layer.paramsChange < 0 ? palette.shrink : palette.number },
  ];
}

function stopsText(merge: MergeSummary): string {
  const absorbing = merge.affected.filter((layer) => merge.stopsAt.includes(layer.name)).map((layer) => `${layer.name} (${layer.type})`);
  const parts: string[] = [];
  if (absorbing.length > 0) {
    const whose = absorbing.length === 1 ? 'its' : 'their';
    parts.push(`The footprint stops at ${absorbing.join(', ')}: the width change is absorbed into ${whose} parameters.`);
  }
  if (merge.reachesOutputs.length > 0) parts.push(`It reaches the model's output: ${merge.reachesOutputs.join(', ')} changes shape.`);
  return parts.join(' ');
}

function compactLine(merge: MergeSummary, palette: Palette): Segment[] {
  const head: Segment[] = [[`${MERGE_MARK} ${merge.name}`, palette.merge], [` (${merge.type}, ${mergeNotation(merge)}): `]];
  const alt = merge.alternative;
  if (!alt.possible) {
    const why = alt.type === null ? 'no alternative' : alt.blockedBy ? `as ${alt.type} it breaks ${alt.blockedBy}` : `not possible as ${alt.type}: input shapes differ`;
    return [...head, [why, palette.dim]];
  }
  const change = alt.totalParamsChange as number;
  return [...head, [`as ${alt.type} ${formatSignedCount(change)} params (${formatPercentValue(alt.totalParamsPercent!)}), ${merge.affected.length} layers change`]];
}

/**
 * Merge impact for a pull-request comment: one bullet per merge (the named
 * ones with --merges NAMES), largest impact first, as the compact lines of
 * the text report.
 */
export function renderMergeImpactMarkdown(summary: ModelSummary, selection: MergeSelection): string {
  if (summary.merges.length === 0 || selection.kind === 'none') return '';
  const chosen = selection.kind === 'named' ? summary.merges.filter((m) => selection.names.includes(m.name)) : summary.merges;
  const ranked = [...chosen].sort((a, b) => b.impact - a.impact);
  const plain = (segments: Segment[]) => segments.map(([text]) => text).join('');
  const palette = makePalette(false);
  const lines = ['#### Merge impact', '', 'Each merge against the same model with it swapped: Concatenate ↔ Add, others → Concatenate.', ''];
  for (const merge of ranked) lines.push(`- ${plain(compactLine(merge, palette)).replace(/\|/g, '\\|')}`);
  return `${lines.join('\n')}\n`;
}
