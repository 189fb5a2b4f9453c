import { shapeList, type FullShape } from '../core/shapes.js';
import type { BuiltModel } from './build-spec.js';
import type { CallFact, LayerFacts, ModelFacts, WeightFact } from './facts.js';
import { executionFacts } from './execution.js';
import { kerasClassName } from './keras-class.js';
import { isOperation } from './layers/operations.js';
import { userName } from './names.js';
import { assertDataless } from './shape-only-backend.js';
import { isContainer, kerasCallNumber, modelNodes, outputReferences, weightsOf, type Container, type Layer, type LayerVariable, type TfNode } from './tfjs.js';

/**
 * Reads everything the analysis needs off a built model, once, as plain
 * data: each layer in Keras's order (tfjs orders model.layers as Keras
 * does), its calls within the model with their shapes, its weights, and
 * the same for every model nested in it.
 */
export function extractFacts(built: BuiltModel): ModelFacts {
  const configs = new Map<Layer, Record<string, unknown>>();
  const configOf = (layer: Layer) => {
    let config = configs.get(layer);
    if (!config) configs.set(layer, (config = layer.getConfig() as Record<string, unknown>));
    return config;
  };
  const facts = modelFacts(built.model, built.unverified, configOf, true);
  const weights = weightsOf(built.model);
  assertDataless([...weights.trainable, ...weights.nonTrainable]);
  const inputDtypes = new Map(built.graph.inputs.map((input) => [input.name, input.dtype]));
  return {
    ...facts,
    name: built.graph.name,
    source: built.graph.source,
    warnings: [...built.warnings],
    execution: executionFacts(built.model, configOf, inputDtypes),
    ...(built.note ? { note: built.note } : {}),
  };
}

/**
 * `top`: the model summarised, whose rows are all its operations, keras.ops
 * nodes included (Keras's summary lists model._operations); a model nested
 * in it shows its `layers`, which leave its op nodes out (Functional.layers).
 */
function modelFacts(model: Container, unverified: Map<string, string>, configOf: (layer: Layer) => Record<string, unknown>, top = false): ModelFacts {
  const relevant = modelNodes(model);
  // A Sequential's layers, as Keras's model.layers and summary have them, leave out its InputLayer.
  const layers = model.layers.filter((layer) => !(model.getClassName() === 'Sequential' && layer.getClassName() === 'InputLayer') && (top || !isOperation(layer)));
  return {
    name: userName(model.name),
    source: '',
    layers: layers.map((layer) => layerFacts(layer, relevant, unverified, configOf)),
    trainableWeights: weightsOf(model).trainable.map(weightFact),
    nonTrainableWeights: weightsOf(model).nonTrainable.map(weightFact),
    outputs: outputReferences(model).map((ref) => ({ layer: userName(ref.layer.name), node: ref.node, tensor: ref.tensor })),
    warnings: [],
  };
}

function layerFacts(layer: Layer, relevant: Set<TfNode>, unverified: Map<string, string>, configOf: (layer: Layer) => Record<string, unknown>): LayerFacts {
  const calls: CallFact[] = [];
  layer.inboundNodes.forEach((node, index) => {
    if (!relevant.has(node)) return;
    calls.push({
      index,
      inputs: node.inboundLayers.map((inbound, i) => ({ layer: userName(inbound.name), node: kerasCallNumber(inbound, node.nodeIndices[i]), tensor: node.tensorIndices[i] })),
      inputShapes: node.inboundLayers.length > 0 ? shapeList(node.inputShapes as FullShape | FullShape[]) : [],
      outputShapes: shapeList(node.outputShapes as FullShape | FullShape[]),
    });
  });
  if (calls.length === 0) calls.push({ index: 0, inputs: [], inputShapes: [], outputShapes: shapeList(layer.outputShape as FullShape | FullShape[]) });
  const name = userName(layer.name);
  const reason = unverified.get(name);
  const own = weightsOf(layer);
  // Keras's row of a layer that is not trainable lists every weight as non-trainable, also those of the layers a
  // wrapper made with trainable=False runs, which stay trainable and which the model's totals count as such.
  const row = layer.trainable ? own : { trainable: [], nonTrainable: [...own.trainable, ...own.nonTrainable] };
  return {
    name,
    type: kerasClassName(layer),
    calls,
    trainableWeights: row.trainable.map(weightFact),
    nonTrainableWeights: row.nonTrainable.map(weightFact),
    trainable: layer.trainable,
    // A nested model's configuration is its whole graph; its layers have their own.
    config: isContainer(layer) ? {} : configOf(layer),
    ...(reason ? { unverified: reason } : {}),
    ...(isContainer(layer) ? { nested: modelFacts(layer, new Map(), configOf) } : {}),
  };
}

export function weightFact(weight: LayerVariable): WeightFact {
  return { id: weight.id, name: weight.name, shape: weight.shape.map((dim) => dim ?? 0), dtype: weight.dtype };
}
