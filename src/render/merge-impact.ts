import { mergeId } from '../analysis/merges.js';
import { figureChange, figureOf, type Figure } from '../analysis/model-costs.js';
import type { AffectedLayer, LayerSummary, MergeSummary, ModelSummary, PossibleAlternative } from '../analysis/types.js';
import { formatCount, formatPercentValue, formatSignedBytes, formatSignedCount } from '../core/numbers.js';
import { figureCell, figureText, percentText } from './costs.js';
import { formatShapes, sameShape } from '../core/shapes.js';
import { drawTable, wrapSegments, type Cell, type Segment, COUNT_CUT_COST, SHAPE_CUT_COST } from './layout.js';
import { MERGE_MARK, mergeNotation } from './merge-notation.js';
import { makePalette, type Palette } from './palette.js';
import { appendAll } from '../core/lists.js';

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
  // When most merges cannot be swapped (every Concatenate of a DenseNet), none of those is shown in full:
  // one line says it for all, and the ones that can be swapped are ranked by impact.
  const mostlyUnswappable = summary.merges.filter((m) => !m.alternative.possible).length > summary.merges.length / 2;
  const detailed =
    selection.kind === 'all' || (selection.kind === 'default' && summary.merges.length <= DETAILED_BY_DEFAULT + 1)
      ? summary.merges
      : selection.kind === 'named'
        ? summary.merges.filter((m) => selection.names.includes(mergeId(m)))
        : (mostlyUnswappable ? ranked.filter((m) => m.alternative.possible) : ranked).slice(0, DETAILED_BY_DEFAULT);
  const rest = ranked.filter((m) => !detailed.includes(m));
  const swappable = rest.filter((m) => m.alternative.possible);
  const unswappable = rest.filter((m) => !m.alternative.possible);

  const prose = (segments: Segment[], indent = '') => wrapSegments(segments, options.width, `${indent}  `);
  const lines = [
    palette.heading('Merge impact'),
    prose([['Each merge against the same model with it swapped: Concatenate ↔ Add, others → Concatenate.', palette.dim]]),
  ];
  for (const merge of detailed) lines.push('', ...mergeDetail(merge, summary, options, prose));
  if (rest.length > 0) {
    const more = detailed.length > 0 ? ' more' : '';
    const heading = selection.kind === 'named' ? 'Other merges:' : swappable.length > 0 ? `${rest.length}${more} merges, largest impact first:` : `${rest.length}${more} merges:`;
    lines.push('', prose([[heading, palette.heading]]));
    // When most merges cannot be swapped (every Concatenate of a DenseNet), listing them one by one says nothing: one line does.
    const grouped = unswappable.length > COMPACT_LINES / 2 || unswappable.length > swappable.length;
    const listed = grouped ? swappable : [...swappable, ...unswappable];
    for (const merge of listed.slice(0, COMPACT_LINES)) lines.push(prose([['  '], ...compactLine(merge, palette)], '  '));
    if (listed.length > COMPACT_LINES) lines.push(`  … and ${listed.length - COMPACT_LINES} more`);
    if (grouped) lines.push(prose([['  '], ...unswappableLine(unswappable, palette)], '  '));
    lines.push(prose([['  (--merges NAME shows one in full, --merges all every one)', palette.dim]], '  '));
  }
  return `${lines.join('\n')}\n`;
}

/** One line for many merges that cannot be swapped: how many, and why, most common reason first. */
function unswappableLine(merges: MergeSummary[], palette: Palette): Segment[] {
  const reasons = new Map<string, string[]>();
  for (const merge of merges) {
    const why = whyNot(merge);
    reasons.set(why, [...(reasons.get(why) ?? []), mergeId(merge)]);
  }
  const examples = (names: string[]) => `(${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`;
  const groups = [...reasons].sort((a, b) => b[1].length - a[1].length);
  const parts = groups.length === 1 ? [`${groups[0][0]} ${examples(groups[0][1])}`] : groups.map(([why, names]) => `${names.length} ${why} ${examples(names)}`);
  return [[`${merges.length} cannot be swapped: `], [parts.join('; '), palette.dim]];
}

/** Why a merge's swap cannot be built, in a few words. */
function whyNot(merge: MergeSummary): string {
  const alt = merge.alternative;
  if (alt.possible) return '';
  if (alt.type === null) return `${merge.type} has no alternative`;
  return alt.blockedBy ? `as ${alt.type} each would break the layer after it` : `as ${alt.type} each cannot take its inputs`;
}

type Prose = (segments: Segment[], indent?: string) => string;

function mergeDetail(merge: MergeSummary, summary: ModelSummary, options: { palette: Palette; width: number }, prose: Prose): string[] {
  const { palette } = options;
  const alt = merge.alternative;
  const lines = [prose([[`${MERGE_MARK} ${mergeId(merge)} (${merge.type})`, palette.merge], [`: ${mergeNotation(merge)}`]])];
  if (!alt.possible) {
    lines.push(prose([[`  As ${alt.type ?? 'another merge'}: `], ['not possible', palette.fail], [`: ${alt.reason}`]], '  '));
    const dependents = dependentsOf(summary.layers, mergeId(merge));
    if (dependents.length > 0) lines.push(prose([[`  Layers whose shape or size depends on its output: ${dependents.join(', ')}`]], '  '));
    return lines;
  }
  const change = alt.totalParamsChange;
  const changeStyle = change > 0 ? palette.growth : change < 0 ? palette.shrink : palette.dim;
  lines.push(
    prose(
      [
        [`  As ${alt.type}: output ${formatShapes(alt.outputShape)} instead of ${formatShapes(merge.outputShape)}; `],
        [`total params ${formatCount(summary.totals.params)} → ${formatCount(alt.totalParams)} `],
        [`(${formatSignedCount(change)}, ${formatPercentValue(alt.totalParamsPercent)})`, changeStyle],
        ...costSegments(summary, alt, palette),
      ],
      '  ',
    ),
  );
  if (merge.affected.length === 0) {
    lines.push('  No layer after it changes shape or size.');
    return lines;
  }
  const withCosts = merge.affected.some((layer) => layer.macs !== undefined);
  const rows: Cell[][] = merge.affected.map((layer) => affectedRow(layer, palette, withCosts));
  const table = drawTable(
    [
      { header: 'Affected layer (type)' },
      { header: `Output Shape → as ${alt.type}`, cutCost: SHAPE_CUT_COST },
      { header: `Param # → as ${alt.type}`, align: 'right', cutCost: COUNT_CUT_COST },
      ...(withCosts
        ? [
            { header: `Mult-Adds → as ${alt.type}`, align: 'right' as const, cutCost: COUNT_CUT_COST },
            { header: `Activations → as ${alt.type}`, align: 'right' as const, cutCost: COUNT_CUT_COST },
          ]
        : []),
    ],
    rows,
    { width: options.width - 2, header: palette.heading },
  );
  appendAll(lines, table.split('\n').map((line) => `  ${line}`));
  lines.push(prose([[`  ${stopsText(merge)}`]], '  '));
  return lines;
}

/**
 * The swap's cost, both ways: "mult-adds 5.06 G → 5.06 G (−1.57 M, −0.03%);
 * peak activations 1.00 MB → 768.00 KB (−256.00 KB)".
 */
function costSegments(summary: ModelSummary, alt: PossibleAlternative, palette: Palette): Segment[] {
  const before = figureOf(summary.totals, 'macs');
  const after = figureOf(alt, 'totalMacs');
  if (!before || !after) return [];
  const macsChange = figureOf(alt, 'totalMacsChange');
  const percent = alt.totalMacsPercent === null || alt.totalMacsPercent === undefined ? '' : `, ${percentText(alt.totalMacsPercent)}`;
  const peakBefore = figureOf(summary.totals, 'peakActivationBytes');
  const peakAfter = figureOf(alt, 'peakActivationBytes');
  const peakChange = figureOf(alt, 'peakActivationBytesChange');
  const styleOf = (change: Figure | undefined) => (change?.kind !== 'exact' || change.value === 0 ? palette.dim : change.value > 0 ? palette.growth : palette.shrink);
  const changeText = (change: Figure | undefined, unit: 'ops' | 'bytes', extra = '') => (change && change.kind !== 'unknown' ? `(${figureText(change, unit, { signed: true })}${extra})` : '');
  return [
    [`; mult-adds ${figureText(before, 'ops')} → ${figureText(after, 'ops')} `],
    [changeText(macsChange, 'ops', percent), styleOf(macsChange)],
    [`; peak activations ${figureText(peakBefore, 'bytes')} → ${figureText(peakAfter, 'bytes')} `],
    [changeText(peakChange, 'bytes'), styleOf(peakChange)],
  ];
}

/** A cell of "before → after (change)", or the one figure when it does not change. */
function costChangeCell(before: Figure | undefined, after: Figure | undefined, change: Figure | undefined, unit: 'count' | 'bytes'): string {
  if (change?.kind === 'exact' && change.value === 0) return figureCell(before, unit);
  const delta = change?.kind === 'exact' ? ` (${unit === 'count' ? formatSignedCount(change.value) : formatSignedBytes(change.value)})` : '';
  return `${figureCell(before, unit)} → ${figureCell(after, unit)}${delta}`;
}

function affectedRow(layer: AffectedLayer, palette: Palette, withCosts = false): Cell[] {
  const shapeChanged = !sameShape(layer.outputShape, layer.alternativeOutputShape);
  const shapes = shapeChanged
    ? `${formatShapes(layer.outputShape)} → ${formatShapes(layer.alternativeOutputShape)}`
    : `${formatShapes(layer.outputShape)} (same)`;
  const params =
    layer.paramsChange === 0
      ? formatCount(layer.params)
      : `${formatCount(layer.params)} → ${formatCount(layer.alternativeParams)} (${formatSignedCount(layer.paramsChange)})`;
  return [
    { text: `${[...(layer.within ?? []), layer.name].join('/')} (${layer.type})`, style: palette.affected },
    { text: shapes, style: palette.shape },
    { text: params, style: layer.paramsChange > 0 ? palette.growth : layer.paramsChange < 0 ? palette.shrink : palette.number },
    ...(withCosts
      ? [
          { text: costChangeCell(figureOf(layer, 'macs'), figureOf(layer, 'alternativeMacs'), figureOf(layer, 'macsChange'), 'count'), style: palette.number },
          {
            text: costChangeCell(figureOf(layer, 'activationBytes'), figureOf(layer, 'alternativeActivationBytes'), activationChange(layer), 'bytes'),
            style: palette.number,
          },
        ]
      : []),
  ];
}

function activationChange(layer: AffectedLayer): Figure | undefined {
  const before = figureOf(layer, 'activationBytes');
  const after = figureOf(layer, 'alternativeActivationBytes');
  return before && after ? figureChange(before, after) : undefined;
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
  const head: Segment[] = [[`${MERGE_MARK} ${mergeId(merge)}`, palette.merge], [` (${merge.type}, ${mergeNotation(merge)}): `]];
  const alt = merge.alternative;
  if (!alt.possible) {
    const why = alt.type === null ? 'no alternative' : alt.blockedBy ? `as ${alt.type} it breaks ${alt.blockedBy}` : `not possible as ${alt.type}: input shapes differ`;
    return [...head, [why, palette.dim]];
  }
  const costs: string[] = [];
  const macsChange = figureOf(alt, 'totalMacsChange');
  if (macsChange && macsChange.kind !== 'unknown') {
    const percent = alt.totalMacsPercent === null || alt.totalMacsPercent === undefined ? '' : ` (${percentText(alt.totalMacsPercent)})`;
    costs.push(`mult-adds ${figureText(macsChange, 'ops', { signed: true })}${percent}`);
  }
  const peakChange = figureOf(alt, 'peakActivationBytesChange');
  if (peakChange && peakChange.kind !== 'unknown') costs.push(`peak activations ${figureText(peakChange, 'bytes', { signed: true })}`);
  return [...head, [`as ${alt.type}: params ${formatSignedCount(alt.totalParamsChange)} (${formatPercentValue(alt.totalParamsPercent)}), ${[...costs, `${merge.affected.length} layers change`].join(', ')}`]];
}

/** The layers, at any depth of nesting, whose shape or size depends on a merge. */
function dependentsOf(layers: LayerSummary[], id: string): string[] {
  return layers.flatMap((layer) => [...(layer.dependsOnMerges.includes(id) ? [layer.name] : []), ...(layer.nested ? dependentsOf(layer.nested, id) : [])]);
}

/**
 * Merge impact for a pull-request comment: one bullet per merge (the named
 * ones with --merges NAMES), largest impact first, as the compact lines of
 * the text report.
 */
export function renderMergeImpactMarkdown(summary: ModelSummary, selection: MergeSelection): string {
  if (summary.merges.length === 0 || selection.kind === 'none') return '';
  const chosen = selection.kind === 'named' ? summary.merges.filter((m) => selection.names.includes(mergeId(m))) : summary.merges;
  const ranked = [...chosen].sort((a, b) => b.impact - a.impact);
  const plain = (segments: Segment[]) => segments.map(([text]) => text).join('');
  const palette = makePalette(false);
  const lines = ['#### Merge impact', '', 'Each merge against the same model with it swapped: Concatenate ↔ Add, others → Concatenate.', ''];
  for (const merge of ranked) lines.push(`- ${plain(compactLine(merge, palette)).replace(/\|/g, '\\|')}`);
  return `${lines.join('\n')}\n`;
}
