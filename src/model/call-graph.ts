import type { SourceLocation } from '../core/errors.js';
import { callLabel, type Dim, type InputNode, type LayerCall, type ModelGraph, type TensorRef } from '../readers/graph.js';
import type { ModelPath } from './facts.js';
import { kerasClassName } from './keras-class.js';
import { userName } from './names.js';
import { isContainer, nodeIndex, nodesInExecutionOrder, outputReferences, positionalInputCount, type Container, type Layer, type SymbolicTensor } from './tfjs.js';

/** Where a layer of a model's graph sits in the model's nesting, as the summary shows it. */
export interface Owner {
  name: string;
  /** The nested models it is inside, within this model ([] for the model's own layers). */
  path: ModelPath;
  /** False when it, or a model it is inside, is frozen. */
  trainable: boolean;
}

export interface DerivedGraph {
  graph: ModelGraph;
  tensors: Map<string, SymbolicTensor[]>;
  /** Every layer of the graph, by the key its calls use (LayerCall.layer). */
  layers: Map<string, Layer>;
  /** For every layer key: its name and where it sits. */
  owners: Map<string, Owner>;
}

/**
 * The call graph of a model tfjs built (from a Keras or TF.js file, or a
 * model nested in another), in the form a spec gives: inputs, then every
 * call of a layer in an order where its inputs come first, each layer's
 * first call carrying its configuration. With it, merge impact, diff and
 * check treat a real model exactly like a spec.
 *
 * A Sequential whose first layer is a model calls that model's layers
 * directly (in tfjs as in Keras 2), so a graph can hold layers that the
 * summary shows inside a nested model: `owners` says where each one is.
 * Names repeat across nested models; keys do not.
 */
export function graphFromModel(model: Container, source: string, at: SourceLocation, customObjects: Record<string, unknown>): DerivedGraph {
  const ownership = ownersOf(model);
  const owners = new Map<string, Owner>();
  const keyOf = layerKeys((key, layer, name) => owners.set(key, ownership.get(layer) ?? { name, path: [], trainable: layer.trainable }));
  const inputs: InputNode[] = [];
  const calls: LayerCall[] = [];
  const tensors = new Map<string, SymbolicTensor[]>();
  const layers = new Map<string, Layer>();
  for (const node of nodesInExecutionOrder(model)) {
    const layer = node.outboundLayer;
    const key = keyOf(layer);
    const index = nodeIndex(node);
    const label = callLabel(key, index);
    tensors.set(label, node.outputTensors);
    if (layer.getClassName() === 'InputLayer') {
      const shape = node.outputTensors[0].shape as Dim[];
      inputs.push({ name: key, shape: shape.slice(1), dtype: node.outputTensors[0].dtype, at });
      continue;
    }
    // A call's inputs; its keyword tensors (a mask) follow them in tfjs's node, and are no input of the layer.
    const from: TensorRef[] = node.inboundLayers.slice(0, positionalInputCount(node)).map((inbound, i) => ({ label: callLabel(keyOf(inbound), node.nodeIndices[i]), index: node.tensorIndices[i], at }));
    const first = !layers.has(key);
    layers.set(key, layer);
    calls.push({
      label,
      layer: key,
      index,
      from,
      at,
      definition: first
        ? { kind: 'config', name: userName(layer.name), type: kerasClassName(layer), className: layer.getClassName(), config: layer.getConfig(), customObjects, at }
        : undefined,
    });
  }
  const outputs: TensorRef[] = outputReferences(model).map((ref) => ({ label: callLabel(keyOf(ref.layer), ref.node), index: ref.tensor, at }));
  return { graph: { name: userName(model.name), source, inputs, calls, outputs, at }, tensors, layers, owners };
}

/**
 * The key of each layer of a model's graph: its name, or name~1, name~2, ...
 * for a name that repeats (a graph that calls the layers of a model nested
 * in it may hold two of one name). `added` hears of each layer as it gets
 * its key.
 */
export function layerKeys(added?: (key: string, layer: Layer, name: string) => void): (layer: Layer) => string {
  const keys = new Map<Layer, string>();
  const used = new Set<string>();
  return (layer) => {
    let key = keys.get(layer);
    if (key === undefined) {
      const name = userName(layer.name);
      key = name;
      for (let n = 1; used.has(key); n++) key = `${name}~${n}`;
      keys.set(layer, key);
      used.add(key);
      added?.(key, layer, name);
    }
    return key;
  };
}

/** Every layer of a model and of the models nested in it, with where it sits. */
export function ownersOf(model: Container, path: ModelPath = [], trainable = true, into = new Map<Layer, Owner>()): Map<Layer, Owner> {
  for (const layer of model.layers) {
    const layerTrainable = trainable && layer.trainable;
    if (!into.has(layer)) into.set(layer, { name: userName(layer.name), path, trainable: layerTrainable });
    if (isContainer(layer)) ownersOf(layer, [...path, userName(layer.name)], layerTrainable, into);
  }
  return into;
}
