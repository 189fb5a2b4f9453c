import type { FullShape } from '../core/shapes.js';
import { exactCount } from '../core/numbers.js';
import { countWeights } from '../core/weights.js';
import type { LayerFacts, MergeFacts, ModelFacts, ModelPath } from '../model/facts.js';
import { analyzeMerges, layerKey } from './merges.js';
import type { LayerSummary, ModelSummary, Totals } from './types.js';

/**
 * The summary of a model from its facts: one entry per layer in Keras's
 * order with Keras's counts, the totals, and (given the merges' facts) what
 * each merge does to the layers after it.
 */
export function summarize(facts: ModelFacts, merges: MergeFacts[] = []): ModelSummary {
  const collected = facts.layers.map(layerSummary);
  const totals = modelTotals(facts);
  const outputLayers = facts.outputs.map((output) => output.layer);
  const analysis = analyzeMerges(merges, collected, totals, outputLayers);
  const layers = withDependencies(collected, analysis.dependsOn, []);
  return {
    schema: 'merge-summary/1',
    name: facts.name,
    source: facts.source,
    layers,
    totals,
    merges: analysis.merges,
    sequentialLike: isSequentialLike(layers),
    warnings: [...facts.warnings],
  };
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
