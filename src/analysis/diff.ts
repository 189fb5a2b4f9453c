import { sameShape, type FullShape } from '../core/shapes.js';
import type { LayerSummary, ModelSummary, Totals } from './types.js';
import { appendAll } from '../core/lists.js';

/** `merge-summary diff A B --json` (schema merge-summary-diff/1). */
export interface ModelDiff {
  schema: 'merge-summary-diff/1';
  a: DiffSide;
  b: DiffSide;
  /** True when no layer differs in name, type, output shape, parameters, mult-adds or output bytes. */
  identical: boolean;
  layers: LayerDiff[];
  counts: { changed: number; added: number; removed: number; unchanged: number };
  totals: {
    params: CountChange;
    trainable: CountChange;
    nonTrainable: CountChange;
    bytes: CountChange;
    /** Mult-adds and the peak of live activation memory (added; at each model's batch size, 1 unless asked). */
    macs?: CostChange;
    peakActivationBytes?: CostChange;
  };
}

/**
 * A cost of both models: the exact numbers, or null where one is not exact
 * (a sequence of unknown length, an unknown dimension); change and percent
 * only when both are.
 */
export interface CostChange {
  a: number | null;
  b: number | null;
  change: number | null;
  percent: number | null;
}

export interface DiffSide {
  name: string;
  source: string;
  totals: Totals;
}

export type LayerStatus = 'changed' | 'unchanged' | 'added' | 'removed';

export interface LayerDiff {
  status: LayerStatus;
  /** For a layer inside nested models of the same name in both: those models, outermost first. */
  within?: string[];
  /** How the pair was found: the same name, or a renamed layer at the same place. */
  pairedBy?: 'name' | 'position';
  a: LayerSide | null;
  b: LayerSide | null;
  /** What differs: any of "name", "type", "outputShape", "params", and (added) "macs", "activationBytes". */
  differences: ('name' | 'type' | 'outputShape' | 'params' | 'macs' | 'activationBytes')[];
  params: CountChange;
  /** Added: mult-adds and output bytes both ways, when the summaries have them. */
  macs?: CostChange;
  activationBytes?: CostChange;
}

export interface LayerSide {
  name: string;
  type: string;
  outputShape: FullShape | FullShape[];
  params: number;
  /** Added: its mult-adds and output bytes (null where not exact; then the count per step, where it grows with a sequence of unknown length). */
  macs?: number | null;
  macsPerStep?: number;
  activationBytes?: number | null;
}

export interface CountChange {
  a: number;
  b: number;
  change: number;
  /** change as a percentage of a; null when a is 0 and b is not. */
  percent: number | null;
}

export function countChange(a: number, b: number): CountChange {
  return { a, b, change: b - a, percent: a === 0 ? (b === 0 ? 0 : null) : ((b - a) / a) * 100 };
}

/** Two costs that may be unknown: compared only where both are exact. */
export function costChange(a: number | null | undefined, b: number | null | undefined): CostChange | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a === null || b === null) return { a, b, change: null, percent: null };
  return countChange(a, b);
}

/**
 * Compares two models layer by layer. Layers are paired by name; the layers
 * left over between two name-matched neighbours are then paired in order,
 * those of the same type first, so that a renamed layer, or a merge whose
 * type changed (Add -> Concatenate), lines up with its counterpart. What is
 * still unpaired was added or removed.
 */
export function diffModels(a: ModelSummary, b: ModelSummary): ModelDiff {
  const layers = diffLayers(a.layers, b.layers, []);
  const counts = { changed: 0, added: 0, removed: 0, unchanged: 0 };
  for (const layer of layers) counts[layer.status] += 1;
  return {
    schema: 'merge-summary-diff/1',
    a: { name: a.name, source: a.source, totals: a.totals },
    b: { name: b.name, source: b.source, totals: b.totals },
    identical: counts.changed + counts.added + counts.removed === 0,
    layers,
    counts,
    totals: {
      params: countChange(a.totals.params, b.totals.params),
      trainable: countChange(a.totals.trainable, b.totals.trainable),
      nonTrainable: countChange(a.totals.nonTrainable, b.totals.nonTrainable),
      bytes: countChange(a.totals.bytes, b.totals.bytes),
      ...optional('macs', costChange(a.totals.macs, b.totals.macs)),
      ...optional('peakActivationBytes', costChange(a.totals.peakActivationBytes, b.totals.peakActivationBytes)),
    },
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * The layers of two lists, paired; where both sides of a pair are models of
 * the same name, their own layers follow it (those that differ), so that a
 * change inside a nested model is shown where it is.
 */
function diffLayers(a: LayerSummary[], b: LayerSummary[], within: string[]): LayerDiff[] {
  return alignLayers(a, b).flatMap(([left, right, pairedBy]) => {
    const diff = layerDiff(left, right, pairedBy);
    const row = within.length > 0 ? { ...diff, within } : diff;
    if (!left?.nested || !right?.nested || left.name !== right.name || diff.status === 'unchanged') return [row];
    return [row, ...diffLayers(left.nested, right.nested, [...within, left.name]).filter((inner) => inner.status !== 'unchanged')];
  });
}

type Pair = [LayerSummary | null, LayerSummary | null, ('name' | 'position')?];

function alignLayers(a: LayerSummary[], b: LayerSummary[]): Pair[] {
  const indexInB = new Map(b.map((layer, i) => [layer.name, i]));
  // Name matches that keep their order in both models are the anchors.
  const anchors: [number, number][] = [];
  let lastB = -1;
  a.forEach((layer, i) => {
    const j = indexInB.get(layer.name);
    if (j !== undefined && j > lastB) {
      anchors.push([i, j]);
      lastB = j;
    }
  });
  const pairs: Pair[] = [];
  let i = 0;
  let j = 0;
  for (const [anchorA, anchorB] of [...anchors, [a.length, b.length] as [number, number]]) {
    appendAll(pairs, pairGap(a.slice(i, anchorA), b.slice(j, anchorB)));
    if (anchorA < a.length) pairs.push([a[anchorA], b[anchorB], 'name']);
    i = anchorA + 1;
    j = anchorB + 1;
  }
  return pairs;
}

/** Pairs the unmatched layers between two anchors: same type first, then by position. */
function pairGap(left: LayerSummary[], right: LayerSummary[]): Pair[] {
  const partner = new Map<LayerSummary, LayerSummary>();
  const taken = new Set<LayerSummary>();
  for (const layer of left) {
    const same = right.find((candidate) => !taken.has(candidate) && candidate.type === layer.type);
    if (same) {
      partner.set(layer, same);
      taken.add(same);
    }
  }
  const restRight = right.filter((layer) => !taken.has(layer));
  for (const layer of left.filter((l) => !partner.has(l))) {
    const next = restRight.shift();
    if (!next) break;
    partner.set(layer, next);
    taken.add(next);
  }
  const pairs: Pair[] = left.map((layer) => (partner.has(layer) ? [layer, partner.get(layer)!, 'position'] : [layer, null]));
  for (const layer of right) if (!taken.has(layer)) pairs.push([null, layer]);
  return pairs;
}

function layerDiff(a: LayerSummary | null, b: LayerSummary | null, pairedBy?: 'name' | 'position'): LayerDiff {
  const side = (layer: LayerSummary | null): LayerSide | null =>
    layer && {
      name: layer.name,
      type: layer.type,
      outputShape: layer.outputShape,
      params: layer.params,
      ...optional('macs', layer.macs),
      ...optional('macsPerStep', layer.macsPerStep),
      ...optional('activationBytes', layer.activationBytes),
    };
  const params = countChange(a?.params ?? 0, b?.params ?? 0);
  const costs = {
    ...optional('macs', costChange(a ? a.macs : 0, b ? b.macs : 0)),
    ...optional('activationBytes', costChange(a ? a.activationBytes : 0, b ? b.activationBytes : 0)),
  };
  if (!a || !b) return { status: a ? 'removed' : 'added', a: side(a), b: side(b), differences: [], params, ...costs };
  const differences: LayerDiff['differences'] = [];
  if (a.name !== b.name) differences.push('name');
  if (a.type !== b.type) differences.push('type');
  if (!sameShape(a.outputShape, b.outputShape)) differences.push('outputShape');
  if (a.params !== b.params) differences.push('params');
  // Costs are compared as the summaries give them: an exact count against another, or a count that is not exact (null) against one that is.
  if (a.macs !== undefined && b.macs !== undefined && (a.macs !== b.macs || a.macsPerStep !== b.macsPerStep)) differences.push('macs');
  if (a.activationBytes !== undefined && b.activationBytes !== undefined && (a.activationBytes !== b.activationBytes || a.activationBytesPerStep !== b.activationBytesPerStep)) {
    differences.push('activationBytes');
  }
  return { status: differences.length > 0 ? 'changed' : 'unchanged', pairedBy, a: side(a), b: side(b), differences, params, ...costs };
}
