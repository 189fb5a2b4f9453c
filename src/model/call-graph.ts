import type { SourceLocation } from '../core/errors.js';
import { callLabel, type Dim, type InputNode, type LayerCall, type ModelGraph, type TensorRef } from '../readers/graph.js';
import { kerasClassName } from './keras-class.js';
import { nodeIndex, nodesInExecutionOrder, outputReferences, type Container, type Layer, type SymbolicTensor } from './tfjs.js';

export interface DerivedGraph {
  graph: ModelGraph;
  tensors: Map<string, SymbolicTensor[]>;
  layers: Map<string, Layer>;
}

/**
 * The call graph of a model tfjs built (from a Keras or TF.js file, or a
 * model nested in another), in the form a spec gives: inputs, then every
 * call of a layer in an order where its inputs come first, each layer's
 * first call carrying its configuration. With it, merge impact, diff and
 * check treat a real model exactly like a spec.
 */
export function graphFromModel(model: Container, source: string, at: SourceLocation, customObjects: Record<string, unknown>): DerivedGraph {
  const inputs: InputNode[] = [];
  const calls: LayerCall[] = [];
  const tensors = new Map<string, SymbolicTensor[]>();
  const layers = new Map<string, Layer>();
  for (const node of nodesInExecutionOrder(model)) {
    const layer = node.outboundLayer;
    const index = nodeIndex(node);
    const label = callLabel(layer.name, index);
    tensors.set(label, node.outputTensors);
    if (layer.getClassName() === 'InputLayer') {
      const shape = node.outputTensors[0].shape as Dim[];
      inputs.push({ name: layer.name, shape: shape.slice(1), dtype: node.outputTensors[0].dtype, at });
      continue;
    }
    const from: TensorRef[] = node.inboundLayers.map((inbound, i) => ({ label: callLabel(inbound.name, node.nodeIndices[i]), index: node.tensorIndices[i], at }));
    const first = !layers.has(layer.name);
    layers.set(layer.name, layer);
    calls.push({
      label,
      layer: layer.name,
      index,
      from,
      at,
      definition: first
        ? { kind: 'config', name: layer.name, type: kerasClassName(layer), className: layer.getClassName(), config: layer.getConfig(), customObjects, at }
        : undefined,
    });
  }
  const outputs: TensorRef[] = outputReferences(model).map((ref) => ({ label: callLabel(ref.layer.name, ref.node), index: ref.tensor, at }));
  return { graph: { name: model.name, source, inputs, calls, outputs, at }, tensors, layers };
}
