import { formatCount } from '../core/numbers.js';
import { MERGE_KINDS } from '../core/merge-kinds.js';
import { formatShape, sameShape, type FullShape } from '../core/shapes.js';
import type { LayerAt, MergeFacts, ModelPath, RebuiltLayer } from '../model/facts.js';
import { costFields, figureChange, swapCosts, type CostModel, type SwapCosts } from './model-costs.js';
import type { AffectedLayer, LayerSummary, MergeAlternative, MergeSummary, PossibleAlternative, Totals } from './types.js';

export interface MergeAnalysis {
  merges: MergeSummary[];
  /** For each layer (by layerKey), the merges its output shape or parameters depend on (by mergeId). */
  dependsOn: Map<string, string[]>;
}

/** A layer's identity across nesting: its path and its name. */
export function layerKey(at: LayerAt): string {
  return [...at.path, at.name].join('\u0000');
}

/** How a merge is named where several models are involved: NAME, or MODEL/NAME inside a nested model. */
export function mergeId(merge: { name: string; within?: string[] }): string {
  return [...(merge.within ?? []), merge.name].join('/');
}

/** Every layer of a summary and of the models nested in it, by layerKey. */
export function layersByKey(layers: LayerSummary[], path: ModelPath = [], into = new Map<string, LayerSummary>()): Map<string, LayerSummary> {
  for (const layer of layers) {
    into.set(layerKey({ name: layer.name, path }), layer);
    if (layer.nested) layersByKey(layer.nested, [...path, layer.name], into);
  }
  return into;
}

/**
 * For every merge: how its inputs combine, and the same model with that one
 * merge swapped for its alternative: which layers after it change shape or
 * parameters (its footprint), where the change stops, and the totals.
 */
export function analyzeMerges(facts: MergeFacts[], layers: LayerSummary[], totals: Totals, outputLayers: string[], costs?: CostModel): MergeAnalysis {
  const byKey = layersByKey(layers);
  const merges: MergeSummary[] = [];
  const dependsOn = new Map<string, string[]>();
  for (const merge of facts) {
    const layer = byKey.get(layerKey(merge));
    if (!layer) continue;
    const { summary, dependents } = analyzeMerge(merge, layer, byKey, totals, new Set(outputLayers), costs);
    merges.push(summary);
    const id = mergeId(summary);
    for (const dependent of dependents) {
      const key = layerKey(dependent);
      dependsOn.set(key, [...(dependsOn.get(key) ?? []), id]);
    }
  }
  return { merges, dependsOn };
}

function analyzeMerge(
  merge: MergeFacts,
  layer: LayerSummary,
  byKey: Map<string, LayerSummary>,
  totals: Totals,
  outputLayers: Set<string>,
  costs?: CostModel,
): { summary: MergeSummary; dependents: LayerAt[] } {
  const outputShape = layer.outputShape as FullShape;
  const kind = MERGE_KINDS[merge.type];
  const base = {
    name: merge.name,
    type: merge.type,
    ...(merge.path.length > 0 ? { within: merge.path } : {}),
    inputShapes: layer.inputShapes,
    outputShape,
    broadcasts: kind.elementwise && !layer.inputShapes.every((shape) => sameShape(shape, layer.inputShapes[0])),
    ...concatenation(merge, layer.inputShapes, outputShape),
  };
  const swap = merge.swap;
  const unbuilt = { affected: [], stopsAt: [], reachesOutputs: [], impact: -1 };
  const inexact = swap.kind === 'built' ? inexactAlternative(swap.rebuilt, byKey, totals) : undefined;
  if (swap.kind === 'built' && inexact) {
    return { summary: { ...base, alternative: { type: swap.alternative, possible: false, reason: inexact }, ...unbuilt }, dependents: changedLayers(swap.rebuilt, byKey) };
  }
  if (swap.kind === 'built') {
    const swapped = costs && swapCosts(costs, merge);
    const { affected, stopsAt, params, trainable } = footprint(swap.rebuilt, byKey, costs, swapped);
    const reachesOutputs = affected.filter((a) => !a.within && outputLayers.has(a.name) && !stopsAt.includes(a.name)).map((a) => a.name);
    const alternative: MergeAlternative = {
      type: swap.alternative,
      possible: true,
      outputShape: swap.outputShape,
      totalParams: totals.params + params,
      trainableParams: totals.trainable + trainable,
      totalParamsChange: params,
      totalParamsPercent: totals.params === 0 ? 0 : (params / totals.params) * 100,
      ...(costs && swapped ? alternativeCosts(costs, swapped) : {}),
    };
    return {
      summary: { ...base, alternative, affected, stopsAt, reachesOutputs, impact: Math.abs(params) },
      dependents: affected.map((a) => ({ name: a.name, path: a.within ?? [] })),
    };
  }
  if (swap.kind === 'blocked') {
    const reason = `it would give ${formatShape(swap.outputShape)}, which layer "${swap.blockedBy.name}" after it cannot take: ${swap.reason}`;
    const dependents = [...changedLayers(swap.rebuilt, byKey), swap.blockedBy];
    return {
      summary: { ...base, alternative: { type: swap.alternative, possible: false, reason, blockedBy: swap.blockedBy.name, outputShape: swap.outputShape }, ...unbuilt },
      dependents,
    };
  }
  const alternative: MergeAlternative =
    swap.kind === 'rejected'
      ? { type: swap.alternative, possible: false, reason: swap.reason }
      : { type: null, possible: false, reason: kind.noAlternative ?? `${merge.type} has no natural alternative` };
  const probe = merge.dependents ?? { rebuilt: [] };
  const dependents = [...changedLayers(probe.rebuilt, byKey), ...(probe.blockedBy ? [probe.blockedBy] : [])];
  return { summary: { ...base, alternative, ...unbuilt }, dependents };
}

/** The swapped model's mult-adds and peak activations, and their change from the model's. */
function alternativeCosts(costs: CostModel, swapped: SwapCosts): Partial<PossibleAlternative> {
  const macsChange = figureChange(costs.totals.macs, swapped.macs);
  const base = costs.totals.macs;
  return {
    ...costFields('totalMacs', swapped.macs),
    ...costFields('totalMacsChange', macsChange),
    totalMacsPercent: macsChange.kind === 'exact' && base.kind === 'exact' ? (base.value === 0 ? (macsChange.value === 0 ? 0 : null) : (macsChange.value / base.value) * 100) : null,
    ...costFields('peakActivationBytes', swapped.peak.bytes),
    ...costFields('peakActivationBytesChange', figureChange(costs.totals.peak.bytes, swapped.peak.bytes)),
    ...(swapped.peak.at !== undefined ? { peakActivationAt: swapped.peak.at } : {}),
  };
}

/** An affected layer's mult-adds and output bytes both ways. */
function affectedCosts(key: string, costs?: CostModel, swapped?: SwapCosts): Partial<AffectedLayer> {
  const before = costs?.rows.get(key);
  const after = swapped?.rows.get(key) ?? before;
  if (!before || !after) return {};
  return {
    ...costFields('macs', before.macs),
    ...costFields('alternativeMacs', after.macs),
    ...costFields('macsChange', figureChange(before.macs, after.macs)),
    ...costFields('activationBytes', before.activations),
    ...costFields('alternativeActivationBytes', after.activations),
  };
}

/** Why the swapped model's counts cannot be exact (beyond 2^53 - 1), if they cannot. */
function inexactAlternative(rebuilt: RebuiltLayer[], byKey: Map<string, LayerSummary>, totals: Totals): string | undefined {
  const { params, trainable } = footprint(rebuilt, byKey);
  const exact = [params, trainable, totals.params + params, totals.trainable + trainable].every(Number.isSafeInteger);
  return exact ? undefined : `the swapped model would have more than ${formatCount(Number.MAX_SAFE_INTEGER)} parameters (2^53 - 1), beyond what a count holds exactly`;
}

/** The rebuilt layers that differ from the model, and the parameter change over all of them. */
function footprint(rebuilt: RebuiltLayer[], byKey: Map<string, LayerSummary>, costs?: CostModel, swapped?: SwapCosts) {
  const affected: AffectedLayer[] = [];
  const stopsAt: string[] = [];
  let params = 0;
  let trainable = 0;
  for (const layer of rebuilt) {
    const actual = byKey.get(layerKey(layer));
    if (!actual) continue;
    const shapeChanged = !sameShape(layer.outputShape, actual.outputShape);
    // A nested model's row sums the layers inside it, which are counted already; the change stops inside it, not at it.
    if (!layer.nestedModel) {
      params += layer.params - actual.params;
      trainable += layer.trainable - actual.trainable;
      if (!shapeChanged) stopsAt.push(layer.name);
    }
    if (shapeChanged || layer.params !== actual.params) {
      affected.push({
        name: layer.name,
        ...(layer.path.length > 0 ? { within: layer.path } : {}),
        type: actual.type,
        outputShape: actual.outputShape,
        alternativeOutputShape: layer.outputShape,
        params: actual.params,
        alternativeParams: layer.params,
        paramsChange: layer.params - actual.params,
        ...affectedCosts(layerKey(layer), costs, swapped),
      });
    }
  }
  return { affected, stopsAt, params, trainable };
}

/** The layers among `rebuilt` whose shape or parameters differ from the model's. */
function changedLayers(rebuilt: RebuiltLayer[], byKey: Map<string, LayerSummary>): LayerAt[] {
  return rebuilt.filter((layer) => {
    const actual = byKey.get(layerKey(layer));
    return actual !== undefined && (!sameShape(layer.outputShape, actual.outputShape) || layer.params !== actual.params);
  });
}

function concatenation(merge: MergeFacts, inputShapes: FullShape[], outputShape: FullShape) {
  if (merge.type !== 'Concatenate') return {};
  const axis = merge.axis ?? -1;
  const index = axis < 0 ? outputShape.length + axis : axis;
  return { concatenation: { axis, inputSizes: inputShapes.map((shape) => shape[index]), outputSize: outputShape[index] } };
}
