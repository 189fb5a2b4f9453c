import { sameShape, type FullShape } from '../core/shapes.js';
import type { LayerSummary, ModelSummary, Totals } from './types.js';

/** `merge-summary diff A B --json` (schema merge-summary-diff/1). */
export interface ModelDiff {
  schema: 'merge-summary-diff/1';
  a: DiffSide;
  b: DiffSide;
  /** True when no layer differs in name, type, output shape or parameters. */
  identical: boolean;
  layers: LayerDiff[];
  counts: { changed: number; added: number; removed: number; unchanged: number };
  totals: { params: CountChange; trainable: CountChange; nonTrainable: CountChange; bytes: CountChange };
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
  /** What differs: any of "name", "type", "outputShape", "params". */
  differences: ('name' | 'type' | 'outputShape' | 'params')[];
  params: CountChange;
}

export interface LayerSide {
  name: string;
  type: string;
  outputShape: FullShape | FullShape[];
  params: number;
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
    },
  };
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
    pairs.push(...pairGap(a.slice(i, anchorA), b.slice(j, anchorB)));
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
    layer && { name: layer.name, type: layer.type, outputShape: layer.outputShape, params: layer.params };
  const params = countChange(a?.params ?? 0, b?.params ?? 0);
  if (!a || !b) return { status: a ? 'removed' : 'added', a: side(a), b: side(b), differences: [], params };
  const differences: LayerDiff['differences'] = [];
  if (a.name !== b.name) differences.push('name');
  if (a.type !== b.type) differences.push('type');
  if (!sameShape(a.outputShape, b.outputShape)) differences.push('outputShape');
  if (a.params !== b.params) differences.push('params');
  return { status: differences.length > 0 ? 'changed' : 'unchanged', pairedBy, a: side(a), b: side(b), differences, params };
}
