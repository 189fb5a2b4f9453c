import type { FullShape } from '../core/shapes.js';
import { exactCount } from '../core/numbers.js';
import { countWeights } from '../core/weights.js';
import type { Warning } from '../core/warnings.js';
import type { LayerFacts, MergeFacts, ModelFacts, ModelPath } from '../model/facts.js';
import { analyzeMerges, layerKey } from './merges.js';
import { costFields, modelCosts, type CostModel } from './model-costs.js';
import type { LayerSummary, ModelSummary, Totals } from './types.js';

export interface SummaryOptions {
  /** The batch size costs are counted at, where the batch dimension is None (default 1). */
  batchSize?: number;
}

/**
 * The summary of a model from its facts: one entry per layer in Keras's
 * order with Keras's counts and costs, the totals, and (given the merges'
 * facts) what each merge does to the layers after it.
 */
export function summarize(facts: ModelFacts, merges: MergeFacts[] = [], options: SummaryOptions = {}): ModelSummary {
  // Rows first: a count too large to hold exactly is refused naming its layer, not only the model.
  const rows = facts.layers.map(layerSummary);
  const totals = modelTotals(facts);
  const costs = modelCosts(facts, totals.bytes, options.batchSize ?? 1);
  const collected = withCosts(rows, costs, []);
  if (costs) Object.assign(totals, totalCosts(costs));
  const outputLayers = facts.outputs.map((output) => output.layer);
  const analysis = analyzeMerges(merges, collected, totals, outputLayers, costs);
  const layers = withDependencies(collected, analysis.dependsOn, []);
  return {
    schema: 'merge-summary/1',
    name: facts.name,
    source: facts.source,
    layers,
    totals,
    merges: analysis.merges,
    sequentialLike: isSequentialLike(layers),
    warnings: [...facts.warnings, ...batchWarnings(costs, options.batchSize)],
    ...(facts.note ? { note: facts.note } : {}),
  };
}

/** A --batch-size the model's own fixed batch size overrides: said, since the counts are not at the size asked for. */
function batchWarnings(costs: CostModel | undefined, asked: number | undefined): Warning[] {
  if (costs?.fixedBatch === undefined || asked === undefined || asked === costs.fixedBatch) return [];
  return [{ code: 'batch-size-fixed', message: `the model fixes its batch size at ${costs.fixedBatch}: the costs are at batch size ${costs.fixedBatch}, not the ${asked} of --batch-size` }];
}

function layerSummary(layer: LayerFacts): LayerSummary {
  const connections = layer.calls.flatMap((call) => call.inputs);
  const last = layer.calls[layer.calls.length - 1];
  const what = `the parameter count of layer "${layer.name}"`;
  const trainable = countWeights(layer.trainableWeights, what);
  const nonTrainable = countWeights(layer.nonTrainableWeights, what);
  return {
    name: layer.name,
    type: layer.type,
    inputs: connections.map((c) => c.layer),
    connections,
    inputShapes: layer.calls.flatMap((call) => call.inputShapes),
    outputShape: singleOrList(last.outputShapes),
    params: exactCount(trainable.params + nonTrainable.params, what),
    trainable: trainable.params,
    nonTrainable: nonTrainable.params,
    bytes: exactCount(trainable.bytes + nonTrainable.bytes, `${what} in bytes`),
    layerTrainable: layer.trainable,
    weightVariables: new Set([...layer.trainableWeights, ...layer.nonTrainableWeights].map((weight) => weight.id)).size,
    dependsOnMerges: [],
    ...(layer.unverified ? { unverified: layer.unverified } : {}),
    ...(layer.nested ? { nested: layer.nested.layers.map(layerSummary) } : {}),
  };
}

/** Each row's mult-adds (its calls', a nested model's all inside it) and the bytes of its outputs. */
function withCosts(layers: LayerSummary[], costs: CostModel | undefined, path: ModelPath): LayerSummary[] {
  if (!costs) return layers;
  return layers.map((layer) => {
    const row = costs.rows.get(layerKey({ name: layer.name, path }));
    return {
      ...layer,
      ...costFields('macs', row?.macs ?? { kind: 'exact', value: 0 }),
      ...costFields('activationBytes', row?.activations ?? { kind: 'unknown', why: 'its layers run in the model around it' }),
      ...(layer.nested ? { nested: withCosts(layer.nested, costs, [...path, layer.name]) } : {}),
    };
  });
}

function totalCosts(costs: CostModel): Partial<Totals> {
  const { totals } = costs;
  return {
    batchSize: costs.batchSize,
    ...costFields('macs', totals.macs),
    ...costFields('inputBytes', totals.inputBytes),
    ...costFields('forwardBackwardBytes', totals.forwardBackwardBytes),
    ...costFields('estimatedTotalBytes', totals.estimatedTotalBytes),
    ...costFields('peakActivationBytes', totals.peak.bytes),
    ...(totals.peak.at !== undefined ? { peakActivationAt: totals.peak.at } : {}),
  };
}

function withDependencies(layers: LayerSummary[], dependsOn: Map<string, string[]>, path: ModelPath): LayerSummary[] {
  return layers.map((layer) => ({
    ...layer,
    dependsOnMerges: dependsOn.get(layerKey({ name: layer.name, path })) ?? [],
    ...(layer.nested ? { nested: withDependencies(layer.nested, dependsOn, [...path, layer.name]) } : {}),
  }));
}

/** Model totals as Keras prints them: shared weights count once. */
export function modelTotals(facts: ModelFacts): Totals {
  const what = `the parameter count of model "${facts.name}"`;
  const at = facts.source ? { file: facts.source } : undefined;
  const trainable = countWeights(facts.trainableWeights, what, at);
  const nonTrainable = countWeights(facts.nonTrainableWeights, what, at);
  return {
    params: exactCount(trainable.params + nonTrainable.params, what, at),
    trainable: trainable.params,
    nonTrainable: nonTrainable.params,
    bytes: exactCount(trainable.bytes + nonTrainable.bytes, `${what} in bytes`, at),
    trainableBytes: trainable.bytes,
    nonTrainableBytes: nonTrainable.bytes,
  };
}

function singleOrList(shapes: FullShape[]): FullShape | FullShape[] {
  return shapes.length === 1 ? shapes[0] : shapes;
}

/**
 * Keras's test for leaving out "Connected to": no layer takes several inputs,
 * none is called twice, and none feeds two layers (no branches).
 */
function isSequentialLike(layers: LayerSummary[]): boolean {
  const fedFrom = new Set<string>();
  for (const layer of layers) {
    if (layer.connections.length > 1) return false;
    for (const connection of layer.connections) {
      if (fedFrom.has(connection.layer)) return false;
      fedFrom.add(connection.layer);
    }
  }
  return true;
}
